package fr.cantou.teleconsult;

import fr.cantou.identity.Principal;
import fr.cantou.platform.Futures;
import fr.cantou.platform.Platform;
import fr.cantou.platform.db.PersonalDataAudit;
import fr.cantou.platform.http.ApiException;
import fr.cantou.realtime.EventOutbox;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A patient's data in the requests: kept for {@code teleconsult.patientDataDays} after a request
 * closes, then erased (the retention, run with the teleconsultations' jobs); exported or erased
 * at once on an admin's RGPD request (articles 15 and 17), each item audited with her id and reason.
 */
public final class PatientDataService {
  private static final Logger LOG = LoggerFactory.getLogger(PatientDataService.class);
  /** The keys of an item's JSON that hold the patient's data: what an erasure takes out of the outbox too. */
  static final List<String> PATIENT_DATA_KEYS = List.of("patient", "reason", "report", "vitalSigns", "messages", "files");

  private final Platform platform;
  private final TeleconsultConfig settings;
  private final TeleconsultStore store;
  private final PatientDataStore patients;
  private final TimelineStore timeline;
  private final EventOutbox outbox;

  PatientDataService(Platform platform, TeleconsultConfig settings, TeleconsultStore store, PatientDataStore patients,
                     TimelineStore timeline, EventOutbox outbox) {
    this.platform = platform;
    this.settings = settings;
    this.store = store;
    this.patients = patients;
    this.timeline = timeline;
    this.outbox = outbox;
  }

  /**
   * Retention: the patient's fields, reason and report of requests closed long enough ago, in the outbox's events too
   * (kept {@code realtime.eventRetentionDays}, which may outlast a short retention: a resume would replay them); counts
   * only in the log.
   */
  Future<Void> eraseOld(Instant now) {
    Instant before = now.minus(settings.patientDataKept());
    int batch = settings.retentionBatch();
    return Futures.counted(() -> platform.pool().withTransaction(tx -> patients.erasePatientData(tx, before, now, batch)
            .compose(erased -> outbox.redact(tx, "teleconsultation.", erased, PATIENT_DATA_KEYS).map(erased.size()))),
            batch, 100)
        .onSuccess(done -> {
          if (done.erased() > 0) {
            LOG.info("event=retention kind=teleconsultation erased={} batches={}", done.erased(), done.batches());
          }
        }).mapEmpty();
  }

  /** A request as held: the item, its timeline and the audit of exports and erasures. */
  public record PersonalData(Teleconsultation teleconsultation, List<TimelineStore.TimelineEntry> timeline,
                             List<PersonalDataAudit.Entry> audit) {}

  public Future<List<PersonalData>> personalDataOf(Principal admin, UUID careHomeId, String reference, String reason,
                                                   String address) {
    Instant now = platform.clock().instant();
    return patients.ofPatient(platform.pool(), careHomeId, reference).compose(ids -> platform.pool().withTransaction(tx ->
        Futures.inOrder(ids, id -> PersonalDataAudit.record(tx, "teleconsultation", id, admin.userId(), "admin", "export",
                reason, address, now)
            .compose(v -> find(tx, id, now))
            .compose(item -> timeline.of(tx, id).compose(lines -> PersonalDataAudit.of(tx, "teleconsultation", id)
                .map(audit -> new PersonalData(item, lines, audit)))))));
  }

  /** Erases every request of this patient at once; refused while one is still open (the nurse cancels it first). */
  public Future<Integer> eraseOf(Principal admin, UUID careHomeId, String reference, String reason, String address) {
    Instant now = platform.clock().instant();
    return patients.ofPatient(platform.pool(), careHomeId, reference).compose(ids -> platform.pool().withTransaction(tx ->
        Futures.inOrder(ids, id -> find(tx, id, now).compose(item -> {
          if (!("completed".equals(item.status()) || "cancelled".equals(item.status()))) {
            return Future.failedFuture(ApiException.conflict(
                "A request for this patient is still open; it can be erased once completed or cancelled."));
          }
          return patients.erasePatientDataOf(tx, id, now).compose(v -> PersonalDataAudit.record(tx, "teleconsultation", id,
              admin.userId(), "admin", "erasure", reason, address, now)).map(id);
        })).compose(erased -> outbox.redact(tx, "teleconsultation.", erased, PATIENT_DATA_KEYS).map(erased.size()))));
  }

  private Future<Teleconsultation> find(SqlClient db, UUID id, Instant now) {
    return store.find(db, id, now).map(found -> found.orElseThrow(() -> ApiException.notFound("No teleconsultation with this id.")));
  }
}
