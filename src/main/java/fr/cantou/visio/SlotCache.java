package fr.cantou.visio;

import fr.cantou.identity.AccountEvents;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import fr.cantou.platform.Futures;
import fr.cantou.realtime.EventRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The open slots of each (service, point, day) this node was asked for, kept in memory so that
 * a slots request usually reads nothing from the database. A day's slots do not depend on the
 * time of the request (each carries when it can be booked), so they stay right while time
 * passes; they go stale only when a calendar changes, and every such change is an outbox event
 * that every node receives: {@link #onEvent} drops the days it touches. The node that made the
 * change drops them at once, before answering, so its own client never sees the old state.
 * PostgreSQL stays the judge: a booking re-reads the calendars and the exclusion constraints
 * refuse a double booking, whatever a node showed. The whole answers made from these days
 * ({@link SlotAnswers}) are dropped by the same changes, after the days.
 */
final class SlotCache {
  /** The CHECK on {@code visio_agent_settings.buffer_minutes}: an agent stays blocked at most this long after an end. */
  static final Duration LONGEST_BUFFER = Duration.ofHours(2);
  /** A day's calendars are read this far into the next day, for the end and buffer of its last slots. */
  static final Duration DAY_OVERHANG = Duration.ofHours(4);
  /** Kinds after which an agent's or a point's booked periods differ. */
  private static final Set<String> CALENDAR_KINDS = Set.of(VisioEvents.BOOKED, VisioEvents.CANCELLED,
      VisioEvents.CHANGED, VisioEvents.COMPLETED, VisioEvents.NO_SHOW, VisioEvents.REOPENED, VisioEvents.SLOT_RELEASED);
  /** Kinds after which any day may differ: ranges, leave, an agent leaving. */
  private static final Set<String> EVERYTHING_KINDS = Set.of(VisioEvents.CALENDAR_CHANGED, AccountEvents.DEACTIVATED);

  record DayKey(UUID serviceId, UUID pointId, LocalDate day) {}

  /** Computes the days from {@code from} to {@code to} (one database read), every one of them in the map. */
  interface Loader {
    Future<Map<LocalDate, SlotDay>> load(LocalDate from, LocalDate to);
  }

  /** The answers' bytes each node keeps when it keeps days at all: a month of a busy service is about 22 kB. */
  static final long ANSWER_BYTES = 32L << 20;
  /** The answers each node keeps at most, however small: a distinct range asked is one more. */
  static final int MAX_ANSWERS = 2_000;

  private final Cache<DayKey, Future<SlotDay>> days;
  private final boolean keeping;
  private final long refreshNanos;
  private final SlotAnswers answers;

  /**
   * @param maxDays bounds the memory whatever dates clients ask for; 0 keeps nothing.
   * @param refresh rereads a day at least this often, for changes made behind the API's back
   *                (an operator's SQL); every change made through the API is an event.
   */
  SlotCache(long maxDays, Duration refresh) {
    this.days = Caffeine.newBuilder().maximumSize(maxDays).expireAfterWrite(refresh).build();
    this.keeping = maxDays > 0;
    this.refreshNanos = refresh.toNanos();
    this.answers = new SlotAnswers(keeping ? ANSWER_BYTES : 0, MAX_ANSWERS, refresh);
  }

  /** The whole answers made from these days, dropped by the same changes. */
  SlotAnswers answers() {
    return answers;
  }

  /**
   * The days from {@code from} to {@code to}, in order. Missing days are computed together in
   * one load; a request arriving meanwhile waits for that load instead of starting another.
   */
  Future<List<SlotDay>> days(UUID serviceId, UUID pointId, LocalDate from, LocalDate to, Loader loader) {
    if (!keeping) {
      return loader.load(from, to).map(all -> from.datesUntil(to.plusDays(1)).map(all::get).toList());
    }
    Promise<Map<LocalDate, SlotDay>> load = Promise.promise();
    Map<DayKey, Future<SlotDay>> mine = new LinkedHashMap<>();
    List<Future<SlotDay>> answer = new ArrayList<>();
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      DayKey key = new DayKey(serviceId, pointId, day);
      Future<SlotDay> known = days.getIfPresent(key);
      if (known == null) {
        Future<SlotDay> loading = load.future().map(all -> all.get(key.day()));
        known = days.asMap().putIfAbsent(key, loading);
        if (known == null) {
          mine.put(key, loading);
          known = loading;
        }
      }
      answer.add(known);
    }
    if (!mine.isEmpty()) {
      List<DayKey> keys = new ArrayList<>(mine.keySet());
      ReadsUnderWay.Reading reading = readings.start(keys);
      Future<Map<LocalDate, SlotDay>> loaded;
      try {
        loaded = loader.load(keys.get(0).day(), keys.get(keys.size() - 1).day());
      } catch (RuntimeException e) {
        loaded = Future.failedFuture(e);
      }
      // A failure (unknown service or point, database away) is answered, never kept.
      loaded.map(all -> withBookedMeanwhile(all, reading.close(), mine))
          .onComplete(done -> readings.end(keys, reading))
          .onFailure(e -> mine.forEach((key, loading) -> days.asMap().remove(key, loading))).onComplete(load);
    }
    // A day being read is shared by every request that asks for it meanwhile, whichever loop it came from.
    return Futures.onCallersContext(Future.all(answer).map(all -> all.list()));
  }

  /**
   * One day, read from the database after {@code since} ({@link System#nanoTime()}) when the
   * one kept is older: a booking refused by what the node kept asks the database again before
   * saying no. Bookings asking together share one read.
   */
  Future<SlotDay> dayReadSince(UUID serviceId, UUID pointId, LocalDate day, long since, Loader loader) {
    return days(serviceId, pointId, day, day, loader).compose(found -> {
      SlotDay kept = found.get(0);
      if (kept.readAt() - since >= 0) {
        return Future.succeededFuture(kept);
      }
      days.asMap().computeIfPresent(new DayKey(serviceId, pointId, day),
          (key, known) -> known.succeeded() && known.result() == kept ? null : known);
      answers.dayRead(serviceId, pointId, day);
      return days(serviceId, pointId, day, day, loader).map(again -> again.get(0));
    });
  }

  /** Reads under way, by the days they read, with the bookings made meanwhile. */
  private final ReadsUnderWay readings = new ReadsUnderWay();

  /** The days read, with the bookings made while they were read; a day that cannot take one in place is not kept. */
  private Map<LocalDate, SlotDay> withBookedMeanwhile(Map<LocalDate, SlotDay> read, List<ReadsUnderWay.Booking> meanwhile,
                                                  Map<DayKey, Future<SlotDay>> mine) {
    if (meanwhile.isEmpty()) {
      return read;
    }
    Map<LocalDate, SlotDay> out = new java.util.HashMap<>(read);
    mine.forEach((key, loading) -> {
      SlotDay day = out.get(key.day());
      for (ReadsUnderWay.Booking b : meanwhile) {
        if (day == null) {
          break;
        }
        if (day.dependsOn(b.start(), b.end().plus(LONGEST_BUFFER))) {
          day = day.withBooking(key.day(), b.agentId(), b.pointId() != null && b.pointId().equals(key.pointId()), b.start(),
              b.end());
        }
      }
      if (day == null) {
        // Its calendars and the booking disagree: answered as read (an answer made from it not kept), read again next time.
        days.asMap().remove(key, loading);
        answers.dayRead(key.serviceId(), key.pointId(), key.day());
      } else {
        out.put(key.day(), day);
      }
    });
    return out;
  }

  /**
   * A booking was made: every kept day read over its period takes it in place (its agent's and
   * its point's calendars, and the slots near it), instead of being read and computed again by
   * the next request; a day being read takes it once read ({@link ReadsUnderWay}).
   */
  void booked(UUID agentId, UUID pointId, Instant start, Instant end) {
    Instant blockedUntil = end.plus(LONGEST_BUFFER);
    long now = System.nanoTime();
    ReadsUnderWay.Booking booking = new ReadsUnderWay.Booking(agentId, pointId, start, end);
    days.asMap().forEach((key, kept) -> {
      if (!kept.isComplete() && readings.tookMeanwhile(key, booking)) {
        return;
      }
      if (!kept.isComplete() || kept.succeeded() && kept.result().dependsOn(start, blockedUntil)) {
        days.asMap().computeIfPresent(key, (k, current) -> {
          if (current != kept || !kept.succeeded()) { // still being read, or failed meanwhile: read again
            return null;
          }
          // Taken in place, a day would never be read again while it is booked: past the refresh time it is.
          SlotDay after = now - kept.result().readAt() > refreshNanos ? null : kept.result().withBooking(key.day(), agentId,
              pointId != null && pointId.equals(key.pointId()), start, end);
          return after == kept.result() ? kept : after == null ? null : Future.succeededFuture(after);
        });
      }
    });
    answers.booked(agentId, pointId, start, blockedUntil); // after the days: an answer made meanwhile is not kept
  }

  /** Bookings from {@code start} to {@code end} changed: drop every day computed from that period, and any being computed. */
  void bookingsChanged(Instant start, Instant end) {
    Instant blockedUntil = end.plus(LONGEST_BUFFER);
    days.asMap().values().removeIf(day -> !day.isComplete() || day.succeeded() && day.result().dependsOn(start, blockedUntil));
    answers.bookingsChanged(start, blockedUntil);
  }

  void calendarsChanged() {
    days.invalidateAll();
    answers.clear();
  }

  /** Follows the outbox (every node receives every event, whoever wrote it). */
  void onEvent(EventRecord event) {
    if (EVERYTHING_KINDS.contains(event.kind())) {
      calendarsChanged();
    } else if ((VisioEvents.BOOKED.equals(event.kind()) || VisioEvents.SLOT_HELD.equals(event.kind()))
        && event.data().getString("agentId") != null) {
      JsonObject a = event.data();
      String point = a.getString("pointId");
      booked(UUID.fromString(a.getString("agentId")), point == null ? null : UUID.fromString(point),
          OffsetDateTime.parse(a.getString("start")).toInstant(), OffsetDateTime.parse(a.getString("end")).toInstant());
    } else if (CALENDAR_KINDS.contains(event.kind())) {
      bookingsChanged(event.data());
      JsonObject previous = event.data().getJsonObject("previous");
      if (previous != null) {
        bookingsChanged(previous);
      }
    }
  }

  private void bookingsChanged(JsonObject period) {
    bookingsChanged(OffsetDateTime.parse(period.getString("start")).toInstant(),
        OffsetDateTime.parse(period.getString("end")).toInstant());
  }
}
