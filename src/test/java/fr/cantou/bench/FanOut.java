package fr.cantou.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes marked items at a fixed rate (open loop: each one's time is when it was due, so a
 * slow server cannot hide its queue) and times each marked frame on every socket of the fleet,
 * from the publish to the frame. A step is sustained when nothing is lost and p99 stays under
 * the limit; the orchestrator raises the rate step by step until one is not.
 */
final class FanOut {
  /** One rate: what was expected on every socket, what came, how late. */
  /** {@code lateEvents}: the events at least one of whose frames came at or after the p99 limit. */
  record Step(double rate, long published, long publishErrors, long expected, long received, long lost, int socketsClosed,
              Latencies latencies, Latencies answers, int lateEvents, boolean sustained) {
    JsonObject toJson() {
      return JsonObject.mapFrom(this);
    }
  }

  private final Vertx vertx;
  private final SocketFleet fleet;
  private final HttpClient publisher;
  private final HttpOperation publish;

  FanOut(Vertx vertx, SocketFleet fleet, HttpClient publisher, HttpOperation publish) {
    this.vertx = vertx;
    this.fleet = fleet;
    this.publisher = publisher;
    this.publish = publish;
  }

  /**
   * One rate for {@code seconds}, items numbered from {@code base} (never reused in a run, so a
   * late frame of an earlier step is not taken for this one's); waits up to 5 s after the last
   * publish for the frames still on their way.
   */
  Future<Step> step(long base, double rate, double seconds, double p99LimitMs) {
    int sockets = fleet.open();
    int closedBefore = fleet.closed();
    long count = Math.max(1, Math.round(rate * seconds));
    long[] due = new long[(int) count];
    Histogram micros = Latencies.histogram();
    java.util.BitSet late = new java.util.BitSet((int) count);
    long lateMicros = (long) (p99LimitMs * 1000);
    // The publish's own answer when it succeeded (a create: its transaction committed), from when it was due: what a late
    // frame owes to it.
    Histogram answerMicros = Latencies.histogram();
    AtomicLong received = new AtomicLong();
    AtomicLong published = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long expected = count * sockets;
    Promise<Void> allIn = Promise.promise();
    fleet.receiver((seq, nanos) -> {
      long i = seq - base;
      if (i < 0 || i >= count) {
        return;
      }
      long latency = Math.max(1, (nanos - due[(int) i]) / 1000);
      synchronized (micros) {
        micros.recordValue(latency);
        if (latency >= lateMicros) {
          late.set((int) i);
        }
      }
      if (received.incrementAndGet() == expected) {
        allIn.tryComplete();
      }
    });
    long start = System.nanoTime();
    double interval = 1e9 / rate;
    Promise<Void> sent = Promise.promise();
    long[] timer = new long[1];
    AtomicLong next = new AtomicLong();
    timer[0] = vertx.setPeriodic(1, id -> {
      long dueNow = Math.min(count, (long) ((System.nanoTime() - start) / interval) + 1);
      while (next.get() < dueNow) {
        long i = next.getAndIncrement();
        due[(int) i] = start + (long) (i * interval);
        publish.send(publisher, base + i).onComplete(ar -> {
          if (ar.failed() || !ar.result().startsWith("2")) {
            if (errors.incrementAndGet() <= 3) {
              System.err.println("publish " + (base + i) + " failed: " + (ar.failed() ? ar.cause() : ar.result()));
            }
          } else {
            synchronized (answerMicros) {
              answerMicros.recordValue(Math.min(answerMicros.getHighestTrackableValue(),
                  Math.max(1, (System.nanoTime() - due[(int) i]) / 1000)));
            }
          }
          if (published.incrementAndGet() == count) {
            sent.tryComplete();
          }
        });
      }
      if (next.get() >= count) {
        vertx.cancelTimer(timer[0]);
      }
    });
    Promise<Void> settled = Promise.promise();
    sent.future().onComplete(v -> {
      long grace = vertx.setTimer(5_000, id -> settled.tryComplete());
      allIn.future().onComplete(a -> {
        vertx.cancelTimer(grace);
        settled.tryComplete();
      });
    });
    // Bounded: a server that never answers the publishes still ends the step.
    vertx.setTimer((long) (seconds * 1000) + 60_000, id -> settled.tryComplete());
    return settled.future().map(v -> {
      fleet.receiver((seq, nanos) -> { });
      Latencies latencies;
      int lateEvents;
      synchronized (micros) {
        latencies = Latencies.of(micros);
        lateEvents = late.cardinality();
      }
      Latencies answers;
      synchronized (answerMicros) {
        answers = Latencies.of(answerMicros);
      }
      long got = received.get();
      long lost = expected - got;
      boolean sustained = lost == 0 && errors.get() == 0 && latencies.p99() < p99LimitMs;
      return new Step(rate, published.get(), errors.get(), expected, got, lost, fleet.closed() - closedBefore, latencies,
          answers, lateEvents, sustained);
    });
  }
}
