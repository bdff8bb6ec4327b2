package fr.cantou.visio;

import fr.cantou.platform.db.Rows;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import static fr.cantou.visio.VisioStore.utc;

/**
 * SQL of the queue of the citizen's messages (mails and SMS, one channel a row): an appointment's
 * messages written with it, claimed when due, marked sent, retried or finally failed.
 */
final class MailStore {
  /** The channels of a message. */
  static final String MAIL = "mail";
  static final String SMS = "sms";
  /** To the mediator who booked for someone with neither phone nor e-mail: he is the one way she hears of a change. */
  static final String MEDIATOR = "mediator";

  /** Messages claimed at a time by the mail and SMS jobs; a run claims another batch while one comes back full. */
  static final int BATCH = 20;
  /**
   * At most this many batches in one run (1,000 messages), so a run ends even while messages keep
   * coming due. A count rather than a time budget: the tests' clocks stand still (a budget read
   * from the platform clock would never run out there), and each batch takes its own claim from
   * its own time, so a long run never sends on a lapsed claim; the next period's run goes on.
   */
  static final int MAX_BATCHES = 50;

  /** A message to send at a time, by mail or SMS. */
  public record Mail(String kind, Instant due, String channel) {
    Mail(String kind, Instant due) {
      this(kind, due, MAIL);
    }
  }

  /** Messages of each appointment id of the relation named, from three aligned array parameters: kinds, due times, channels. */
  static final String MAILS = """
      INSERT INTO visio_mail (appointment_id, kind, due_at, channel)
      SELECT x.id, m.kind, m.due, m.channel FROM %1$s x,
             unnest($%2$d::text[], $%3$d::timestamptz[], $%4$d::text[]) AS m(kind, due, channel)""";

  static String[] kinds(List<Mail> mails) {
    return mails.stream().map(Mail::kind).toArray(String[]::new);
  }

  static String[] channels(List<Mail> mails) {
    return mails.stream().map(Mail::channel).toArray(String[]::new);
  }

  static OffsetDateTime[] dues(List<Mail> mails) {
    return mails.stream().map(m -> utc(m.due())).toArray(OffsetDateTime[]::new);
  }

  Future<Void> scheduleMail(SqlClient db, UUID appointmentId, String kind, Instant due, String channel) {
    return scheduleMails(db, appointmentId, List.of(new Mail(kind, due, channel)));
  }

  /** Several mails of an appointment in one statement. */
  Future<Void> scheduleMails(SqlClient db, UUID appointmentId, List<Mail> mails) {
    if (mails.isEmpty()) {
      return Future.succeededFuture();
    }
    return db.preparedQuery("WITH one AS (SELECT $1::uuid AS id) " + MAILS.formatted("one", 2, 3, 4))
        .execute(Tuple.of(appointmentId, kinds(mails), dues(mails), channels(mails)))
        .mapEmpty();
  }

  /**
   * Unsent reminders of an appointment are dropped when it is cancelled or moved, and so is a move not yet told to its
   * mediator: the next message says where it stands now.
   */
  Future<Void> dropReminders(SqlClient db, UUID appointmentId) {
    return db.preparedQuery("""
            DELETE FROM visio_mail WHERE appointment_id = $1 AND sent_at IS NULL
              AND (kind LIKE 'reminder%' OR (channel = 'mediator' AND kind LIKE 'change%'))""")
        .execute(Tuple.of(appointmentId))
        .mapEmpty();
  }

  public record DueMail(long id, UUID appointmentId, String kind, int attempts, String channel) {}

  /**
   * Claims due messages of these channels for a while; another node skips them, and takes them back
   * only if this one died.
   */
  Future<List<DueMail>> claimDueMails(SqlClient db, List<String> channels, Instant now, Instant claimUntil, int maxAttempts,
                                      int limit) {
    return db.preparedQuery("""
            UPDATE visio_mail SET claimed_until = $2, attempts = attempts + 1
            WHERE id IN (SELECT id FROM visio_mail
                         WHERE channel = ANY($5::text[]) AND sent_at IS NULL AND failed_at IS NULL AND due_at <= $1 AND attempts < $4
                           AND (claimed_until IS NULL OR claimed_until < $1)
                         ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED)
            RETURNING id, appointment_id, kind, attempts, channel""")
        .execute(Tuple.of(utc(now), utc(claimUntil), limit, maxAttempts, channels.toArray(String[]::new)))
        .map(rows -> Rows.map(rows, r -> new DueMail(r.getLong("id"), r.getUUID("appointment_id"), r.getString("kind"),
            r.getInteger("attempts"), r.getString("channel"))));
  }

  Future<Void> mailSent(SqlClient db, long id, Instant at) {
    return db.preparedQuery("UPDATE visio_mail SET sent_at = $2, last_error = NULL WHERE id = $1")
        .execute(Tuple.of(id, utc(at))).mapEmpty();
  }

  /** A failed attempt is retried a few minutes later. */
  Future<Void> mailFailed(SqlClient db, long id, String error, Instant retryAt) {
    return db.preparedQuery("UPDATE visio_mail SET last_error = $2, claimed_until = NULL, due_at = $3 WHERE id = $1")
        .execute(Tuple.of(id, error.length() > 500 ? error.substring(0, 500) : error, utc(retryAt))).mapEmpty();
  }

  /** The last attempt failed too: never tried again. */
  Future<Void> finallyFailed(SqlClient db, long id, String error, Instant at) {
    return db.preparedQuery("UPDATE visio_mail SET last_error = $2, claimed_until = NULL, failed_at = $3 WHERE id = $1")
        .execute(Tuple.of(id, error.length() > 500 ? error.substring(0, 500) : error, utc(at))).mapEmpty();
  }
}
