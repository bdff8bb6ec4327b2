package fr.cantou.platform;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.List;
import java.util.function.Function;

/** Steps run one after the other; a shared future followed on the caller's own loop. */
public final class Futures {
  private Futures() {}

  /** What a run of {@link #counted} did: rows handled in all, and in how many statements. */
  public record Batches(int erased, int batches) {}

  /**
   * Runs {@code batch} (which answers how many rows it handled, at most {@code size}) again
   * while it handles a full batch, at most {@code maxBatches} times; answers the total. For
   * purges: many short transactions, never one long one that would hold every node's event
   * delivery back.
   */
  public static Future<Integer> inBatches(java.util.function.Supplier<Future<Integer>> batch, int size, int maxBatches) {
    return counted(batch, size, maxBatches).map(Batches::erased);
  }

  /** {@link #inBatches}, answering how many statements it took too (the retention jobs log both). */
  public static Future<Batches> counted(java.util.function.Supplier<Future<Integer>> batch, int size, int maxBatches) {
    return counted(batch, size, maxBatches, new Batches(0, 0));
  }

  private static Future<Batches> counted(java.util.function.Supplier<Future<Integer>> batch, int size, int left, Batches done) {
    return batch.get().compose(n -> {
      Batches now = new Batches(done.erased() + n, done.batches() + 1);
      return n == size && left > 1 ? counted(batch, size, left - 1, now) : Future.succeededFuture(now);
    });
  }

  /**
   * {@code Future.all} has no context of its own: it calls back on the thread that completed its
   * last part, which for a part shared by requests of several event loops (a cache being filled,
   * files read once) may be another loop's. Each caller must go on on its own loop: an answer
   * written from another one is refused by Vert.x's strict thread mode (HttpServers), and would
   * race the connection otherwise.
   */
  public static <T> Future<T> onCallersContext(Future<T> shared) {
    Context caller = Vertx.currentContext();
    if (caller == null) {
      return shared;
    }
    Promise<T> here = Promise.promise();
    shared.onComplete(ar -> {
      if (Vertx.currentContext() == caller) {
        here.handle(ar);
      } else {
        caller.runOnContext(v -> here.handle(ar));
      }
    });
    return here.future();
  }

  /** One step per item, in order (order matters for events in one transaction). */
  public static <T> Future<Void> sequence(List<T> items, Function<T, Future<?>> step) {
    Future<Void> chain = Future.succeededFuture();
    for (T item : items) {
      chain = chain.compose(v -> step.apply(item).mapEmpty());
    }
    return chain;
  }

  /** One step per item, in order, and their results in the same order. */
  public static <T, R> Future<List<R>> inOrder(List<T> items, Function<T, Future<R>> step) {
    List<R> results = new java.util.ArrayList<>();
    return sequence(items, item -> step.apply(item).onSuccess(results::add)).map(v -> results);
  }
}
