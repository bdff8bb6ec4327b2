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
  private final java.time.Duration kept;
  private final int batch;

  CitizenDataRetention(Platform platform, CitizenDataStore store, java.time.Duration kept, int batch) {
    this.platform = platform;
    this.store = store;
    this.kept = kept;
    this.batch = batch;
  }

  public Future<Integer> run() {
    Instant now = platform.clock().instant();
    Instant endedBefore = now.minus(kept);
    return Futures.counted(() -> store.eraseCitizenData(platform.pool(), endedBefore, now, batch), batch, 100)
        .onSuccess(done -> {
          if (done.erased() > 0) {
            LOG.info("event=retention kind=appointment erased={} batches={}", done.erased(), done.batches());
          }
        }).map(Futures.Batches::erased);
  }
}
