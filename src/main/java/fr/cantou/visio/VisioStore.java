package fr.cantou.visio;

import fr.cantou.platform.db.DatabaseErrors;
import fr.cantou.platform.db.DatabaseErrors.Rule;
import fr.cantou.platform.db.DatabaseErrors.Violation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * What visio-accueil's stores share: the schema's refusals in visio-accueil's words, the
 * advisory locks, and reading rows (times, hours, periods). The SQL itself is in one store per
 * part: {@link CatalogueStore} (services and points), {@link CalendarStore} (agents' calendars),
 * {@link BookingStore} (writing a booking), {@link AppointmentStore} (an appointment read and
 * changed), {@link MailStore} (the mail queue), {@link CitizenDataStore} (her personal data).
 */
final class VisioStore {
  private VisioStore() {}

  /**
   * Booked periods travel as arrays of epoch milliseconds (binary, no JSON): a month of a busy
   * service is thousands of them per request. date_part is float arithmetic, cheaper than
   * extract's numeric.
   */
  static final String EPOCH_MS = "(date_part('epoch', %s) * 1000)::bigint";

  /**
   * The longest an appointment holds its agent, from its start to the end of its buffer (V119's check): a read of the
   * appointments meeting a window starts its index scan this long before the window, not at the agent's first.
   */
  static final java.time.Duration LONGEST_HOLD = java.time.Duration.ofHours(24);

  /** What the schema refuses, in visio-accueil's words (failures {@link DatabaseErrors.Refused} carry one). */
  public enum Refusal {
    SERVICE_NAME_TAKEN, NO_SUCH_ADMINISTRATION, POINT_NAME_TAKEN, NO_SUCH_SERVICE,
    /** The agent's time is taken (exclusion constraint appointment_agent_free). */
    AGENT_TAKEN,
    /** The point's time is taken (exclusion constraint appointment_point_free). */
    POINT_TAKEN,
    /** Two bookings drew the same reference (rare): draw again. */
    REFERENCE_DRAWN_TWICE,
    /** The sender's Idempotency-Key wrote an absence already (V92; a retry sent at once). */
    ABSENCE_KEY_USED
  }

  static <T> Function<Throwable, Future<T>> refusals(Rule... rules) {
    return DatabaseErrors.refusals(rules);
  }

  /** What an appointment written at a time (booked, moved) may meet. */
  static final Rule[] APPOINTMENT_RULES = {
      new Rule(Violation.EXCLUSION, "appointment_agent_free", Refusal.AGENT_TAKEN),
      new Rule(Violation.EXCLUSION, "appointment_point_free", Refusal.POINT_TAKEN),
      new Rule(Violation.UNIQUE, "appointment_reference_key", Refusal.REFERENCE_DRAWN_TWICE)};

  static AppointmentInTheWay inTheWay(Row r) {
    return new AppointmentInTheWay(r.getString("reference"), r.getOffsetDateTime("starts_at").toInstant());
  }

  /** Waits for the transaction-long lock of this name (an agent's, a point's). */
  static Future<Void> lock(SqlClient db, String name) {
    return db.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))").execute(Tuple.of(name)).mapEmpty();
  }

  /** Weekly hours (an agent's, a point's) in place of those of its owner. */
  static Future<Void> insertHours(SqlClient db, String table, String owner, UUID id, List<VisioRecords.Hours> hours) {
    if (hours == null || hours.isEmpty()) {
      return Future.succeededFuture();
    }
    return db.preparedQuery("INSERT INTO " + table + " (" + owner + ", weekday, start_time, end_time)"
            + " SELECT $1, d, s, e FROM unnest($2::smallint[], $3::time[], $4::time[]) AS h(d, s, e)")
        .execute(Tuple.of(id, hours.stream().map(h -> (short) h.weekday()).toArray(Short[]::new),
            hours.stream().map(VisioRecords.Hours::start).toArray(LocalTime[]::new),
            hours.stream().map(VisioRecords.Hours::end).toArray(LocalTime[]::new)))
        .mapEmpty();
  }

  // Reading rows.

  static OffsetDateTime local(Instant instant, ZoneId zone) {
    return instant == null ? null : instant.atZone(zone).toOffsetDateTime();
  }

  static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  static JsonArray json(Row r, String column) {
    Object value = r.getValue(column);
    return value instanceof JsonArray array ? array : new JsonArray(String.valueOf(value));
  }

  static List<SlotCalculator.WeeklyRange> weekly(JsonArray rows) {
    List<SlotCalculator.WeeklyRange> out = new ArrayList<>();
    for (Object o : rows) {
      JsonArray a = (JsonArray) o;
      out.add(new SlotCalculator.WeeklyRange(DayOfWeek.of(a.getInteger(0)), LocalTime.parse(a.getString(1)),
          LocalTime.parse(a.getString(2))));
    }
    return out;
  }

  static List<VisioRecords.Hours> hours(JsonArray rows) {
    return weekly(rows).stream().map(w -> new VisioRecords.Hours(w.day().getValue(), w.start(), w.end())).toList();
  }

  /** Periods from two aligned arrays of epoch milliseconds. */
  static List<SlotCalculator.Interval> intervals(Long[] starts, Long[] ends) {
    if (starts == null) {
      return List.of();
    }
    List<SlotCalculator.Interval> out = new ArrayList<>(starts.length);
    for (int i = 0; i < starts.length; i++) {
      out.add(new SlotCalculator.Interval(Instant.ofEpochMilli(starts[i]), Instant.ofEpochMilli(ends[i])));
    }
    return out;
  }

  /** Periods from pairs of epoch milliseconds. */
  static List<SlotCalculator.Interval> intervals(JsonArray rows) {
    List<SlotCalculator.Interval> out = new ArrayList<>(rows.size());
    for (Object o : rows) {
      JsonArray a = (JsonArray) o;
      out.add(new SlotCalculator.Interval(Instant.ofEpochMilli(a.getLong(0)), Instant.ofEpochMilli(a.getLong(1))));
    }
    return out;
  }

  /** Periods from pairs of timestamps. */
  static List<SlotCalculator.Interval> isoIntervals(JsonArray rows) {
    List<SlotCalculator.Interval> out = new ArrayList<>(rows.size());
    for (Object o : rows) {
      JsonArray a = (JsonArray) o;
      out.add(new SlotCalculator.Interval(instant(a.getString(0)), instant(a.getString(1))));
    }
    return out;
  }

  /** json_build_array renders timestamptz as ISO-8601 with an offset. */
  static Instant instant(String value) {
    return OffsetDateTime.parse(value).toInstant();
  }
}
