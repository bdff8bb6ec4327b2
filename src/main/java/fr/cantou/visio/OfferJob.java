package fr.cantou.visio;

import fr.cantou.platform.Futures;
import fr.cantou.platform.Platform;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * The waiting lists' job, on every node: offers that expired are let go (claimed once across
 * nodes, SKIP LOCKED), entries older than the list's horizon are closed and erased, and every
 * free slot of a service with a line is offered to the first person in it for whom it fits
 * (her point, if she asked one; never a start offered to her before; at most a few offers a
 * day). The slot is held by the database, as an appointment in state 'offered' under the
 * exclusion constraints, in the same transaction that moves her entry from waiting to offered:
 * two nodes offering at once can neither give one slot to two people nor two slots to one.
 */
public final class OfferJob {
  private static final Logger LOG = LoggerFactory.getLogger(OfferJob.class);
  /** Offers let go per run; the rest in the next runs. */
  private static final int EXPIRED_PER_RUN = 50;
  /** How far down each line a run looks for someone a free slot fits. */
  private static final int LINE_LOOKED_AT = 50;
  /** Free starts tried for one person before the next run (another request may take each meanwhile). */
  private static final int STARTS_TRIED = 3;
  private static final Duration LATELY = Duration.ofHours(24);
  /** Said inside the transaction when the entry was offered something else meanwhile (or reached her limit). */
  private static final RuntimeException ENTRY_MOVED = new IllegalStateException("entry moved");

  /**
   * How an offer reaches her: each channel writes its message in the offer's own transaction (a
   * queue row). Nobody is held a slot that no channel can tell her about.
   */
  interface Channel {
    boolean reaches(WaitingListStore.Entry entry);

    Future<Void> queue(SqlClient tx, Appointment offer, Instant now);
  }

  private final Platform platform;
  private final VisioConfig settings;
  private final WaitingListStore store;
  private final WaitingListService waitingList;
  private final BookingService bookings;
  private final SlotService slots;
  private final CatalogueService catalogue;
  private final VisioEvents events;
  private final List<Channel> channels;

  OfferJob(Platform platform, VisioConfig settings, WaitingListStore store, WaitingListService waitingList,
           BookingService bookings, SlotService slots, CatalogueService catalogue, VisioEvents events, List<Channel> channels) {
    this.platform = platform;
    this.settings = settings;
    this.store = store;
    this.waitingList = waitingList;
    this.bookings = bookings;
    this.slots = slots;
    this.catalogue = catalogue;
    this.events = events;
    this.channels = List.copyOf(channels);
  }

  public Future<Void> run() {
    Instant now = platform.clock().instant();
    return expire(now)
        .compose(v -> store.closeOld(platform.pool(), now.minus(settings.waitingKept()), now))
        .compose(v -> store.servicesWithLine(platform.pool()))
        .compose(services -> Futures.sequence(services, service -> offerIn(service).recover(e -> {
          // One service's trouble (withdrawn meanwhile) holds no other line back.
          LOG.warn("event=waiting_offers_failed service={} reason=\"{}\"", service, e.getMessage());
          return Future.succeededFuture();
        })));
  }

  private Future<Void> expire(Instant now) {
    return platform.pool().withTransaction(tx -> store.release(tx, null, "expired", "waiting", now, EXPIRED_PER_RUN)
            .compose(released -> Futures.sequence(released, r -> events.slotReleased(tx, r)).map(released)))
        .onSuccess(released -> {
          released.forEach(waitingList::slotsChanged);
          if (!released.isEmpty()) {
            LOG.info("event=waiting_offers_expired count={}", released.size());
          }
        })
        .mapEmpty();
  }

  /** Every person of the line a free slot fits, first come first; each offer is seen by the next one's slots. */
  private Future<Void> offerIn(UUID serviceId) {
    Instant now = platform.clock().instant();
    return catalogue.serviceRow(serviceId).compose(service -> store.line(platform.pool(), serviceId, now.minus(LATELY),
            LINE_LOOKED_AT)
        .compose(line -> Futures.sequence(line, entry -> entry.offersLately() >= settings.offersPerDay()
                || channels.stream().noneMatch(c -> c.reaches(entry))
            ? Future.succeededFuture()
            : slots.freeStarts(serviceId, entry.pointId(), LocalDate.ofInstant(now, service.zone()))
                .map(free -> free.stream().filter(start -> !entry.offeredStarts().contains(start)).limit(STARTS_TRIED).toList())
                .compose(starts -> offer(entry, starts, 0))
                // Her point withdrawn since she joined: she waits on (the staff can tell her), the next ones are served.
                .recover(e -> Future.succeededFuture()))));
  }

  /** The first of {@code starts} the database lets us hold for her, if any. */
  private Future<Void> offer(WaitingListStore.Entry entry, List<Instant> starts, int tried) {
    if (tried >= starts.size()) {
      return Future.succeededFuture();
    }
    Instant start = starts.get(tried);
    Instant now = platform.clock().instant();
    Instant heldUntil = now.plus(settings.offerHeldFor()).isBefore(start) ? now.plus(settings.offerHeldFor()) : start;
    return bookings.hold(entry.serviceId(), entry.pointId(), start, entry, (tx, held) -> store.offered(tx, entry.id(),
                UUID.fromString(held.id()), start, heldUntil, now, now.minus(LATELY), settings.offersPerDay())
            .compose(done -> done ? Futures.sequence(channels, c -> c.queue(tx, held, now))
                .compose(v -> events.slotHeld(tx, held))
                : Future.failedFuture(ENTRY_MOVED)))
        .<Void>map(held -> {
          LOG.info("event=waiting_offer_made service={} reference={}", entry.serviceId(), held.reference());
          return null;
        })
        .recover(e -> e == ENTRY_MOVED ? Future.succeededFuture() : offer(entry, starts, tried + 1));
  }
}
