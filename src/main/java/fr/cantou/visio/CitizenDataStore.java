package fr.cantou.visio;

import fr.cantou.platform.db.PersonalDataAudit;
import fr.cantou.platform.db.Rows;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static fr.cantou.visio.VisioStore.utc;

/** SQL of the citizen's personal data: what is held about an appointment, found by her contacts, erased. */
final class CitizenDataStore {
  /** The fields retention erases: the same for the job and for an erasure asked for. */
  private static final String ERASE = """
      UPDATE appointment SET citizen_name = NULL, citizen_email = NULL, citizen_phone = NULL, note = NULL,
             accessibility = '{}', idempotency_key = NULL, idempotency_fingerprint = NULL, erased_at = $2
      """;

  /** Erases the citizen's fields of at most {@code batch} appointments ended before {@code endedBefore}; answers their ids. */
  Future<List<UUID>> eraseCitizenData(SqlClient db, Instant endedBefore, Instant now, int batch) {
    return db.preparedQuery(ERASE + """
            WHERE id IN (SELECT id FROM appointment WHERE erased_at IS NULL AND ends_at < $1
                         ORDER BY ends_at LIMIT $3 FOR UPDATE SKIP LOCKED)
            RETURNING id""")
        .execute(Tuple.of(utc(endedBefore), utc(now), batch)).map(rows -> Rows.map(rows, r -> r.getUUID("id")));
  }

  /** Erases one appointment's citizen fields at once (RGPD article 17), and drops its mails not yet sent. */
  Future<Void> eraseCitizenDataOf(SqlClient db, UUID id, Instant now) {
    return db.preparedQuery(ERASE + " WHERE id = $1 AND erased_at IS NULL").execute(Tuple.of(id, utc(now)))
        .compose(v -> db.preparedQuery("DELETE FROM visio_mail WHERE appointment_id = $1 AND sent_at IS NULL")
            .execute(Tuple.of(id)))
        .mapEmpty();
  }

  /** A message of the appointment: its kind, its channel (mail, sms, or mediator: to the mediator who booked it without her contact), when it was due and sent. */
  public record MailRecord(String kind, String channel, Instant due, Instant sent) {}

  public record Held(Instant erasedAt, List<MailRecord> mails, List<PersonalDataAudit.Entry> audit) {}

  /** Beside the appointment itself: when it was erased, its mails and its audit. */
  Future<Held> held(SqlClient db, UUID id) {
    Future<Instant> erased = db.preparedQuery("SELECT erased_at FROM appointment WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> Rows.first(rows).map(r -> Rows.instant(r, "erased_at")).orElse(null));
    Future<List<MailRecord>> mails = db.preparedQuery(
            "SELECT kind, channel, due_at, sent_at FROM visio_mail WHERE appointment_id = $1 ORDER BY due_at, id")
        .execute(Tuple.of(id))
        .map(rows -> Rows.map(rows, r -> new MailRecord(r.getString("kind"), r.getString("channel"), Rows.instant(r, "due_at"),
            Rows.instant(r, "sent_at"))));
    Future<List<PersonalDataAudit.Entry>> audit = PersonalDataAudit.of(db, "appointment", id);
    return erased.compose(e -> mails.compose(m -> audit.map(a -> new Held(e, m, a))));
  }

  /**
   * The appointments whose citizen gave this e-mail (any case) or this phone (as written at booking), oldest first; a
   * slot held for her from a waiting list is not one yet.
   */
  /** The appointment of this reference (as written on her convocation, upper case), none when there is none. */
  Future<List<UUID>> byReference(SqlClient db, String reference) {
    return db.preparedQuery("SELECT id FROM appointment WHERE reference = $1 AND status <> 'offered'")
        .execute(Tuple.of(reference)).map(rows -> Rows.map(rows, r -> r.getUUID("id")));
  }

  Future<List<UUID>> byContact(SqlClient db, String email, String phone) {
    return db.preparedQuery("""
            SELECT id FROM appointment WHERE status <> 'offered'
              AND (($1::text IS NOT NULL AND lower(citizen_email) = lower($1)) OR ($2::text IS NOT NULL AND citizen_phone = $2))
            ORDER BY starts_at, id LIMIT 1000""")
        .execute(Tuple.of(email, phone)).map(rows -> Rows.map(rows, r -> r.getUUID("id")));
  }
}
