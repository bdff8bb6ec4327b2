package fr.cantou.visio;

import fr.cantou.identity.Principal;
import fr.cantou.platform.Futures;
import fr.cantou.platform.Platform;
import fr.cantou.platform.http.ApiException;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * The demo's visio-accueil at work: three months of appointments behind it (written as the service
 * would have left them) and the next free slots of each service booked now through the service, as
 * a citizen would (phone only: the SMS shows in the log), so that the agents' day and the statistics
 * are not empty the first time someone opens them.
 */
final class DemoVisioActivity {
  private static final Logger LOG = LoggerFactory.getLogger(DemoVisioActivity.class);
  /** Appointments booked now for each service, on its next free slots. */
  private static final int UPCOMING_PER_SERVICE = 2;
  private static final List<String> UPCOMING_NAMES = List.of("Germaine Bouniol", "Raymond Couderc", "Odette Lapeyre",
      "Marcel Fau", "Simone Cayrol", "Louis Mathieu", "Yvette Roques", "Antoine Salat", "Jeanne Lavergne",
      "Pierre Cros", "Martine Bonnal", "Bernard Laborie");

  private final Platform platform;
  private final BookingService bookings;
  private final SlotService slots;
  private final DemoVisioStore store = new DemoVisioStore();

  DemoVisioActivity(Platform platform, BookingService bookings, SlotService slots) {
    this.platform = platform;
    this.bookings = bookings;
    this.slots = slots;
  }

  Future<Void> load(Principal admin, DemoVisio.Made made) {
    if (!platform.config().demo().activity()) {
      return Future.succeededFuture();
    }
    ZoneId zone = platform.config().defaultTimeZone();
    LocalDate today = LocalDate.ofInstant(platform.clock().instant(), zone);
    List<DemoVisioHistory.Agent> agents = new ArrayList<>();
    for (Map.Entry<UUID, List<String>> agent : made.agents().entrySet()) {
      agents.add(new DemoVisioHistory.Agent(agent.getKey(), agent.getValue().stream().map(key -> service(made, key)).toList(),
          Duration.ofMinutes(DemoVisio.BUFFER_MINUTES)));
    }
    // Sorted so that the seeded random gives the same history for the same day.
    agents.sort(java.util.Comparator.comparing(DemoVisioHistory.Agent::id));
    List<DemoVisioHistory.PastAppointment> past = DemoVisioHistory.appointments(today, zone, agents, made.points(),
        new Random(today.toEpochDay()));
    List<UUID> services = made.services().values().stream().map(UUID::fromString).sorted().toList();
    List<String> names = new ArrayList<>(UPCOMING_NAMES);
    return platform.pool().withTransaction(tx -> store.insert(tx, past))
        .compose(v -> Futures.sequence(services, service -> upcoming(admin, service, today, names)))
        .onSuccess(v -> LOG.info("event=demo_visio_activity past={} days={} upcoming={}", past.size(), DemoVisioHistory.DAYS,
            UPCOMING_NAMES.size() - names.size()));
  }

  private static DemoVisioHistory.Service service(DemoVisio.Made made, String key) {
    DemoVisio.Service s = DemoVisio.SERVICES.stream().filter(x -> x.key().equals(key)).findFirst().orElseThrow();
    return new DemoVisioHistory.Service(UUID.fromString(made.services().get(key)), s.minutes(), s.prefix());
  }

  /**
   * The service's next free slots, booked from home with a phone number only. A slot taken meanwhile by another
   * service of the same agents (the days kept are refreshed by the events, a moment later) is passed over.
   */
  private Future<Void> upcoming(Principal admin, UUID service, LocalDate today, List<String> names) {
    return slots.freeStarts(service, null, today).compose(starts -> bookFirst(admin, service, starts, 0, UPCOMING_PER_SERVICE, names));
  }

  private Future<Void> bookFirst(Principal admin, UUID service, List<Instant> starts, int next, int wanted, List<String> names) {
    if (wanted == 0 || next >= starts.size() || names.isEmpty()) {
      return Future.succeededFuture();
    }
    String name = names.get(0);
    String phone = String.format("06 39 98 77 %02d", names.size());
    return bookings.book(admin, new VisioRecords.Booking(service.toString(), starts.get(next).atOffset(ZoneOffset.UTC),
            null, new VisioRecords.CitizenBody(name, null, phone), null, List.of()), null, null)
        .map(booked -> {
          names.remove(0);
          return true;
        })
        .recover(e -> e instanceof ApiException problem && problem.status() == 409 ? Future.succeededFuture(false)
            : Future.failedFuture(e))
        .compose(booked -> bookFirst(admin, service, starts, next + 1, booked ? wanted - 1 : wanted, names));
  }
}
