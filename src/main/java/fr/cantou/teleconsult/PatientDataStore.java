package fr.cantou.teleconsult;

import fr.cantou.platform.db.Rows;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static fr.cantou.teleconsult.TeleconsultStore.utc;

/** SQL of a patient's data in the requests: found by her care home's reference, erased (retention, or on request). */
final class PatientDataStore {
  /** The fields retention erases: the same for the job and for an admin's erasure on request. */
  private static final String ERASE = """
      UPDATE teleconsultation SET patient_reference = NULL, patient_initials = NULL, patient_birth_year = NULL,
             reason = NULL, report = NULL, erased_at = $2
      """;

  /**
   * Erases the patient's fields, the reason and the report of at most {@code batch} requests
   * closed before {@code closedBefore}, oldest first; answers their ids.
   */
  Future<List<UUID>> erasePatientData(SqlClient db, Instant closedBefore, Instant now, int batch) {
    return db.preparedQuery(ERASE + """
            WHERE id IN (SELECT id FROM teleconsultation
                         WHERE erased_at IS NULL AND status IN ('completed', 'cancelled')
                           AND coalesce(completed_at, cancelled_at) < $1
                         ORDER BY coalesce(completed_at, cancelled_at) LIMIT $3 FOR UPDATE SKIP LOCKED)
            RETURNING id""")
        .execute(Tuple.of(utc(closedBefore), utc(now), batch)).map(rows -> Rows.map(rows, r -> r.getUUID("id")));
  }

  /** Erases one closed request's patient fields, reason and report at once; false when it is open or erased already. */
  Future<Boolean> erasePatientDataOf(SqlClient db, UUID id, Instant now) {
    return db.preparedQuery(ERASE + " WHERE id = $1 AND erased_at IS NULL AND status IN ('completed', 'cancelled')")
        .execute(Tuple.of(id, utc(now))).map(rows -> rows.rowCount() == 1);
  }

  /** A care home's requests for one patient reference (as the nurse wrote it, any case), oldest first. */
  Future<List<UUID>> ofPatient(SqlClient db, UUID organisationId, String reference) {
    return db.preparedQuery("""
            SELECT id FROM teleconsultation WHERE organisation_id = $1 AND lower(btrim(patient_reference)) = lower(btrim($2))
            ORDER BY created_at, id LIMIT 1000""")
        .execute(Tuple.of(organisationId, reference)).map(rows -> Rows.map(rows, r -> r.getUUID("id")));
  }
}
