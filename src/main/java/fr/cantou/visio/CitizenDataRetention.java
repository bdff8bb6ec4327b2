package fr.cantou.visio;

import fr.cantou.platform.Futures;
import fr.cantou.platform.Platform;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * Retention: a citizen's name, contacts, note and needs are erased {@code visio.citizenDataDays}
 * after her appointment's end; the appointment stays, anonymous, for the statistics. Counts
 * only in the log.
 */
public final class CitizenDataRetention {
  private static final Logger LOG = LoggerFactory.getLogger(CitizenDataRetention.class);

  private final Platform platform;
  private final CitizenDataStore store;
  private final VisioEvents events;
  private final java.time.Duration kept;
  private final int batch;

  CitizenDataRetention(Platform platform, CitizenDataStore store, VisioEvents events, java.time.Duration kept, int batch) {
    this.platform = platform;
    this.store = store;
    this.events = events;
    this.kept = kept;
    this.batch = batch;
  }

  public Future<Integer> run() {
    Instant now = platform.clock().instant();
    Instant endedBefore = now.minus(kept);
    // Out of the outbox's events too, kept realtime.eventRetentionDays, which may outlast a short retention.
    return Futures.counted(() -> platform.pool().withTransaction(tx -> store.eraseCitizenData(tx, endedBefore, now, batch)
            .compose(erased -> events.forgetCitizens(tx, erased).map(erased.size()))), batch, 100)
        .onSuccess(done -> {
          if (done.erased() > 0) {
            LOG.info("event=retention kind=appointment erased={} batches={}", done.erased(), done.batches());
          }
        }).map(Futures.Batches::erased);
  }
}
