package fr.cantou.platform;

import fr.cantou.platform.http.ApiException;
import io.vertx.core.Future;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * {@link AtOnce} for each key apart (a user's uploads on this node): at most so many pieces of work at once under one
 * key, past that the caller is told at once ({@code refusal}); another key is never held back by this one. The node's
 * event loops share it, hence the concurrent map; a key with nothing at work leaves it.
 */
public final class AtOncePerKey<K> {
  private final int most;
  private final Supplier<ApiException> refusal;
  private final ConcurrentHashMap<K, Integer> running = new ConcurrentHashMap<>();

  public AtOncePerKey(int most, Supplier<ApiException> refusal) {
    this.most = most;
    this.refusal = refusal;
  }

  /** {@code work} when {@code key} has a place free (given back however it ends), else {@code refusal}. */
  public <T> Future<T> run(K key, Supplier<Future<T>> work) {
    boolean[] taken = {false};
    running.compute(key, (k, n) -> {
      int now = n == null ? 0 : n;
      if (now >= most) {
        return n;
      }
      taken[0] = true;
      return now + 1;
    });
    if (!taken[0]) {
      return Future.failedFuture(refusal.get());
    }
    // Composed, so that a refusal thrown at once also gives its place back.
    return Future.succeededFuture().compose(v -> work.get()).eventually(() -> {
      running.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
      return Future.succeededFuture();
    });
  }

  /** The pieces of work under {@code key} now. */
  public int running(K key) {
    return running.getOrDefault(key, 0);
  }
}
