package fr.cantou.teleconsult;

import fr.cantou.platform.Futures;
import fr.cantou.platform.Platform;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The jobs that move the queue without anyone asking: planned requests announced when their time
 * comes, assigned ones nobody joined given back, those waiting too long escalated, those whose
 * doctor left given back; then the patient data retention. Each change ends like a person's, in
 * {@link TeleconsultService#recorded}.
 */
final class QueueJobs {
  /** Items changed per transaction: each holds every node's event delivery back while it runs (an event and a reload each). */
  static final int BATCH = 50;
  /** 5,000 items a run: more wait for the next one. */
  private static final int MAX_BATCHES = 100;
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
    return inShortTransactions(tx -> store.announceDue(tx, now, BATCH),
            (tx, id) -> service.recorded(tx, id, null, "announced", new JsonObject(), now, TeleconsultEvents.QUEUED))
        .compose(v -> inShortTransactions(tx -> store.requeueUnjoined(tx, now.minus(joinTimeout), BATCH),
            (tx, id) -> service.recorded(tx, id, null, "requeued",
                new JsonObject().put("why", "nobody joined within " + joinTimeout.toMinutes() + " minutes"), now,
                TeleconsultEvents.REQUEUED)))
        .compose(v -> inShortTransactions(tx -> store.escalateOverdue(tx, now.minus(escalateAfter), now, BATCH),
            (tx, id) -> service.recorded(tx, id, null, "escalated",
                new JsonObject().put("why", "waiting longer than " + escalateAfter.toMinutes() + " minutes"), now,
                TeleconsultEvents.ESCALATED)))
        .compose(v -> patientData.eraseOld(now));
  }

  /**
   * The items {@code chosen} picks ({@link #BATCH} at most) changed and each recorded in one transaction, then the
   * next ones in another while a batch comes back full: all in this run, none holding the others' events back long.
   */
  private <T> Future<Integer> inShortTransactions(Function<SqlClient, Future<List<T>>> chosen,
                                                  BiFunction<SqlClient, T, Future<?>> recorded) {
    return Futures.inBatches(() -> platform.pool().withTransaction(tx -> chosen.apply(tx)
        .compose(ids -> Futures.sequence(ids, id -> recorded.apply(tx, id)).map(ids.size()))), BATCH, MAX_BATCHES);
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
    // A node that dies with the calls of a thousand doctors: given back in short transactions, all in this run.
    return inShortTransactions(tx -> store.requeueAbandoned(tx, now.minus(grace), now.minus(opinionGrace),
            now.minus(PresenceService.NODE_SILENCE), BATCH),
        (tx, item) -> service.recorded(tx, item.id(), null, "requeued",
            new JsonObject().put("why", "the doctor had no console open for " + ("opinion".equals(item.kind())
                ? opinionGrace.toHours() + " hours" : grace.toSeconds() + " seconds")).put("was", item.was()),
            now, TeleconsultEvents.REQUEUED))
        .mapEmpty();
  }
}
