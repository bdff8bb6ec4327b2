package fr.cantou.platform;

import fr.cantou.platform.http.ApiException;
import io.vertx.core.Future;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * At most so many pieces of heavy work (a report's PDF, a document's parse) at once on this node;
 * past that the caller is told at once to come back ({@code busy}, a 503 with {@code Retry-After}),
 * rather than queued behind the workers where a loop of requests would starve everyone else.
 */
public final class AtOnce {
  private final int most;
  private final Supplier<ApiException> busy;
  private final AtomicInteger running = new AtomicInteger();

  public AtOnce(int most, Supplier<ApiException> busy) {
    this.most = most;
    this.busy = busy;
  }

  /** {@code work} when a place is free (given back however it ends), else {@code busy}. */
  public <T> Future<T> run(Supplier<Future<T>> work) {
    if (running.incrementAndGet() > most) {
      running.decrementAndGet();
      return Future.failedFuture(busy.get());
    }
    // Composed, so that a refusal thrown at once also gives its place back.
    return Future.succeededFuture().compose(v -> work.get()).eventually(() -> {
      running.decrementAndGet();
      return Future.succeededFuture();
    });
  }
}
