package fr.cantou.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * {@code clients} concurrent clients, each sending its next operation when the previous one
 * answered, for a time or a number of operations: the throughput a service gives at that
 * concurrency, and the latency each operation saw. Nothing blocks: each client is a chain of
 * futures on the generator's event loops.
 */
final class ClosedLoop {

  /** One operation; its future holds an outcome label ("201", "409", "error"…) and fails only on a bug. */
  interface Operation extends LongFunction<Future<String>> {}

  /** Outcome of a run: {@code next} is the index to continue from, so a measured run follows its warm-up. */
  record Outcome(long ok, long failed, Map<String, Long> outcomes, double seconds, Latencies latencies, long next) {
    JsonObject toJson() {
      return new JsonObject().put("ok", ok).put("failed", failed).put("outcomes", new JsonObject(Map.copyOf(outcomes)))
          .put("seconds", seconds).put("throughput", ok / seconds).put("latencies", latencies.toJson()).put("next", next);
    }
  }

  private ClosedLoop() {}

  /** Runs until {@code seconds} have passed or {@code limit} operations started; {@code okOutcome} counts as success. */
  static Future<Outcome> run(Vertx vertx, int clients, double seconds, long limit, long offset, String okOutcome,
                             Operation operation) {
    Histogram micros = Latencies.histogram();
    Map<String, Long> outcomes = new TreeMap<>();
    AtomicLong next = new AtomicLong(offset);
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    Promise<Outcome> done = Promise.promise();
    AtomicLong running = new AtomicLong(clients);
    for (int c = 0; c < clients; c++) {
      vertx.runOnContext(v -> loop(operation, next, offset + limit, end, micros, outcomes, ok, failed, okOutcome, () -> {
        if (running.decrementAndGet() == 0) {
          double elapsed = (System.nanoTime() - start) / 1e9;
          done.complete(new Outcome(ok.get(), failed.get(), outcomes, elapsed, Latencies.of(micros), next.get()));
        }
      }));
    }
    return done.future();
  }

  private static void loop(Operation operation, AtomicLong next, long stop, long end, Histogram micros,
                           Map<String, Long> outcomes, AtomicLong ok, AtomicLong failed, String okOutcome, Runnable finished) {
    long index = next.getAndIncrement();
    if (index >= stop || System.nanoTime() >= end) {
      finished.run();
      return;
    }
    long sent = System.nanoTime();
    operation.apply(index).recover(e -> Future.succeededFuture("error " + e.getClass().getSimpleName()))
        .onComplete(ar -> {
          String outcome = ar.result();
          synchronized (micros) {
            micros.recordValue(Math.max(1, (System.nanoTime() - sent) / 1000));
            outcomes.merge(outcome, 1L, Long::sum);
          }
          (okOutcome.equals(outcome) ? ok : failed).incrementAndGet();
          loop(operation, next, stop, end, micros, outcomes, ok, failed, okOutcome, finished);
        });
  }
}
