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

/** SQL of the mail queue: an appointment's mails written with it, claimed when due, marked sent or retried. */
final class MailStore {
  /** A mail to send at a time. */
  public record Mail(String kind, Instant due) {}

  /** Mails of each appointment id of the relation named, from two aligned array parameters: kinds and due times. */
  static final String MAILS = """
      INSERT INTO visio_mail (appointment_id, kind, due_at)
      SELECT x.id, m.kind, m.due FROM %1$s x, unnest($%2$d::text[], $%3$d::timestamptz[]) AS m(kind, due)""";

  static String[] kinds(List<Mail> mails) {
    return mails.stream().map(Mail::kind).toArray(String[]::new);
  }

  static OffsetDateTime[] dues(List<Mail> mails) {
    return mails.stream().map(m -> utc(m.due())).toArray(OffsetDateTime[]::new);
  }

  Future<Void> scheduleMail(SqlClient db, UUID appointmentId, String kind, Instant due) {
    return scheduleMails(db, appointmentId, List.of(new Mail(kind, due)));
  }

  /** Several mails of an appointment in one statement. */
  Future<Void> scheduleMails(SqlClient db, UUID appointmentId, List<Mail> mails) {
    if (mails.isEmpty()) {
      return Future.succeededFuture();
    }
    return db.preparedQuery("WITH one AS (SELECT $1::uuid AS id) " + MAILS.formatted("one", 2, 3))
        .execute(Tuple.of(appointmentId, kinds(mails), dues(mails)))
        .mapEmpty();
  }

  /** Unsent reminders of an appointment are dropped when it is cancelled or moved. */
  Future<Void> dropReminders(SqlClient db, UUID appointmentId) {
    return db.preparedQuery("DELETE FROM visio_mail WHERE appointment_id = $1 AND sent_at IS NULL AND kind LIKE 'reminder%'")
        .execute(Tuple.of(appointmentId))
        .mapEmpty();
  }

  public record DueMail(long id, UUID appointmentId, String kind, int attempts) {}

  /** Claims due mails for a while; another node skips them, and takes them back only if this one died. */
  Future<List<DueMail>> claimDueMails(SqlClient db, Instant now, Instant claimUntil, int limit) {
    return db.preparedQuery("""
            UPDATE visio_mail SET claimed_until = $2, attempts = attempts + 1
            WHERE id IN (SELECT id FROM visio_mail
                         WHERE sent_at IS NULL AND due_at <= $1 AND attempts < 10
                           AND (claimed_until IS NULL OR claimed_until < $1)
                         ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED)
            RETURNING id, appointment_id, kind, attempts""")
        .execute(Tuple.of(utc(now), utc(claimUntil), limit))
        .map(rows -> Rows.map(rows, r -> new DueMail(r.getLong("id"), r.getUUID("appointment_id"), r.getString("kind"),
            r.getInteger("attempts"))));
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
}
