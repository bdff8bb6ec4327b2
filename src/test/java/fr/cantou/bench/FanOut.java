package fr.cantou.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes marked items at a fixed rate (open loop: each one's time is when it was due, so a
 * slow server cannot hide its queue) and times each marked frame on every socket of the fleet,
 * from the publish to the frame. A step is sustained when nothing is lost and p99 stays under
 * the limit; the orchestrator raises the rate step by step until one is not.
 */
final class FanOut {
  /**
   * One rate: what was expected on every socket, what came, how late. {@code lateEvents}: the events at least one of whose frames came at or after the p99 limit;
   * {@code lateTimes}: the first dozen of them, where their time went (sent, answered, first and last frame).
   */
  record Step(double rate, long published, long publishErrors, long expected, long received, long lost, int socketsClosed,
              Latencies latencies, Latencies answers, int lateEvents, List<String> lateTimes, boolean sustained) {
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
    BitSet late = new BitSet((int) count);
    // Per event, for the late ones' story: when its publish left, was answered, its first and last frame came.
    long[] sentAt = new long[(int) count];
    long[] answeredAt = new long[(int) count];
    long[] firstFrame = new long[(int) count];
    long[] lastFrame = new long[(int) count];
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
        if (firstFrame[(int) i] == 0) {
          firstFrame[(int) i] = nanos;
        }
        lastFrame[(int) i] = Math.max(lastFrame[(int) i], nanos);
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
        sentAt[(int) i] = System.nanoTime();
        publish.send(publisher, base + i).onComplete(ar -> {
          answeredAt[(int) i] = System.nanoTime();
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
      List<String> lateTimes = new ArrayList<>();
      synchronized (micros) {
        latencies = Latencies.of(micros);
        lateEvents = late.cardinality();
        for (int i = late.nextSetBit(0); i >= 0 && lateTimes.size() < 12; i = late.nextSetBit(i + 1)) {
          lateTimes.add(lateTime(i, due, sentAt, answeredAt, firstFrame, lastFrame));
        }
      }
      Latencies answers;
      synchronized (answerMicros) {
        answers = Latencies.of(answerMicros);
      }
      long got = received.get();
      long lost = expected - got;
      boolean sustained = lost == 0 && errors.get() == 0 && latencies.p99() < p99LimitMs;
      return new Step(rate, published.get(), errors.get(), expected, got, lost, fleet.closed() - closedBefore, latencies,
          answers, lateEvents, lateTimes, sustained);
    });
  }

  /** "#i at +t ms: sent +a, answered +b, frames +c…+d" (from when it was due; t from the step's start). */
  private static String lateTime(int i, long[] due, long[] sentAt, long[] answeredAt, long[] firstFrame, long[] lastFrame) {
    long d = due[i];
    return String.format(Locale.ROOT, "#%d at +%.0f ms: sent +%.1f, answered +%.1f, frames +%.1f…+%.1f", i,
        (d - due[0]) / 1e6, (sentAt[i] - d) / 1e6, (answeredAt[i] - d) / 1e6, (firstFrame[i] - d) / 1e6, (lastFrame[i] - d) / 1e6);
  }
}
