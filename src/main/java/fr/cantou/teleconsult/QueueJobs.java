package fr.cantou.teleconsult;

import fr.cantou.platform.Futures;
import fr.cantou.platform.Platform;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;

/**
 * The jobs that move the queue without anyone asking: planned requests announced when their time
 * comes, assigned ones nobody joined given back, those waiting too long escalated, those whose
 * doctor left given back; then the patient data retention. Each change ends like a person's, in
 * {@link TeleconsultService#recorded}.
 */
final class QueueJobs {
  private final Platform platform;
  private final TeleconsultConfig settings;
  private final TeleconsultStore store;
  private final PresenceService presence;
  private final PatientDataService patientData;
  private final TeleconsultService service;

  QueueJobs(Platform platform, TeleconsultConfig settings, TeleconsultStore store, PresenceService presence,
            PatientDataService patientData, TeleconsultService service) {
    this.platform = platform;
    this.settings = settings;
    this.store = store;
    this.presence = presence;
    this.patientData = patientData;
    this.service = service;
  }

  /** The periodic work, safe on every node at once: each row changes once (conditional updates). */
  Future<Void> run() {
    Instant now = platform.clock().instant();
    Duration joinTimeout = settings.joinTimeout();
    Duration escalateAfter = settings.escalateAfter();
    return platform.pool().withTransaction(tx -> store.announceDue(tx, now)
            .compose(ids -> Futures.sequence(ids, id -> service.recorded(tx, id, null, "announced", new JsonObject(), now,
                TeleconsultEvents.QUEUED))))
        .compose(v -> platform.pool().withTransaction(tx -> store.requeueUnjoined(tx, now.minus(joinTimeout))
            .compose(ids -> Futures.sequence(ids, id -> service.recorded(tx, id, null, "requeued",
                new JsonObject().put("why", "nobody joined within " + joinTimeout.toMinutes() + " minutes"), now,
                TeleconsultEvents.REQUEUED)))))
        .compose(v -> platform.pool().withTransaction(tx -> store.escalateOverdue(tx, now.minus(escalateAfter), now)
            .compose(ids -> Futures.sequence(ids, id -> service.recorded(tx, id, null, "escalated",
                new JsonObject().put("why", "waiting longer than " + escalateAfter.toMinutes() + " minutes"), now,
                TeleconsultEvents.ESCALATED)))))
        .compose(v -> patientData.eraseOld(now));
  }

  /**
   * A request whose doctor has had no console open anywhere for the presence grace goes back to
   * the queue at its place, assigned or in call (her node died, her browser closed): the nurse
   * is told by the event, and another doctor can take it (docs/teleconsultation.md).
   */
  Future<Void> requeueAbandoned() {
    Instant now = platform.clock().instant();
    if (!presence.judgesSilence(now)) {
      return Future.succeededFuture();
    }
    Duration grace = settings.presenceGrace();
    Duration opinionGrace = settings.opinionGrace();
    return platform.pool().withTransaction(tx -> store.requeueAbandoned(tx, now.minus(grace), now.minus(opinionGrace),
            now.minus(PresenceService.NODE_SILENCE))
        .compose(back -> Futures.sequence(back, item -> service.recorded(tx, item.id(), null, "requeued",
            new JsonObject().put("why", "the doctor had no console open for " + ("opinion".equals(item.kind())
                ? opinionGrace.toHours() + " hours" : grace.toSeconds() + " seconds")).put("was", item.was()),
            now, TeleconsultEvents.REQUEUED))))
        .mapEmpty();
  }
}
