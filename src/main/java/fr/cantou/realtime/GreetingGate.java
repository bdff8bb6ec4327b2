package fr.cantou.realtime;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * At most {@code limit} greetings (token check, then snapshot or a replay's first batch, and
 * each later batch of a replay apart) of a node read the database at once; the others wait their turn in memory, in arrival order. Thousands of
 * sockets saying hello together (a reconnect storm after a network cut, a node restarting)
 * would otherwise queue thousands of queries on the pool, past its wait queue and its
 * connection timeout, and be refused (1011) instead of served a second later.
 */
final class GreetingGate {
  private final int limit;
  private final AtomicInteger running = new AtomicInteger();
  private final Deque<Runnable> waiting = new ConcurrentLinkedDeque<>();

  GreetingGate(int limit) {
    this.limit = Math.max(1, limit);
  }

  /** Runs {@code work} on {@code context} when a place is free; the place is freed when its future ends. */
  <T> void run(Context context, Supplier<Future<T>> work) {
    waiting.add(entry(context, work));
    admit();
  }

  private <T> Runnable entry(Context context, Supplier<Future<T>> work) {
    return () -> context.runOnContext(v -> started(work).onComplete(ar -> {
      running.decrementAndGet();
      admit();
    }));
  }

  /** The work's future, a failed one when it throws instead (its place is freed all the same). */
  private static <T> Future<T> started(Supplier<Future<T>> work) {
    try {
      return work.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * The next step of a greeting under way (a replay's next batch): before the hellos that wait,
   * so that a storm of them does not leave a greeted socket's live events piling up, held back
   * behind its replay, until it is dropped as too slow. Gives the work's result; the place is
   * freed when it is there.
   */
  <T> Future<T> callNext(Context context, Supplier<Future<T>> work) {
    Promise<T> result = Promise.promise();
    waiting.addFirst(entry(context, () -> started(work).onComplete(result)));
    admit();
    return result.future();
  }

  private void admit() {
    while (!waiting.isEmpty()) {
      int now = running.get();
      if (now >= limit) {
        return;
      }
      if (!running.compareAndSet(now, now + 1)) {
        continue;
      }
      Runnable next = waiting.poll();
      if (next == null) {
        running.decrementAndGet();
        continue;
      }
      next.run();
    }
  }
}
