package fr.cantou.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Drives one node over loopback and measures latencies with HdrHistogram. Open loop: requests
 * are scheduled at a fixed rate and latency counts from the scheduled time, so a stalled
 * server cannot hide its queueing (no coordinated omission). Bounded in count and time.
 */
final class LoadRunner {

  record Request(HttpMethod method, String uri, String token, Buffer body) {}

  record Result(String name, double requestedRate, long sent, long ok, long failed, double seconds, Histogram micros) {
    double throughput() {
      return ok / seconds;
    }

    double percentileMs(double p) {
      return micros.getValueAtPercentile(p) / 1000.0;
    }
  }

  private final Vertx vertx;
  private final HttpClient client;

  LoadRunner(Vertx vertx, int port, int connections) {
    this.vertx = vertx;
    this.client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setKeepAlive(true).setPipelining(false), new PoolOptions().setHttp1MaxSize(connections));
  }

  /** Sends {@code rate} requests per second for {@code duration}; waits for every answer (up to 30 s). */
  Future<Result> openLoop(String name, double rate, Duration duration, Supplier<Request> requests) {
    Histogram histogram = new Histogram(60_000_000L, 3);
    AtomicLong sent = new AtomicLong();
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long total = Math.max(1, Math.round(rate * duration.toMillis() / 1000.0));
    long startNanos = System.nanoTime();
    double intervalNanos = 1_000_000_000.0 / rate;
    Promise<Result> done = Promise.promise();
    long[] timer = new long[1];
    timer[0] = vertx.setPeriodic(1, id -> {
      long due = Math.min(total, (long) ((System.nanoTime() - startNanos) / intervalNanos) + 1);
      while (sent.get() < due) {
        long scheduled = startNanos + (long) (sent.getAndIncrement() * intervalNanos);
        send(requests.get()).onComplete(ar -> {
          histogram.recordValue(Math.max(1, (System.nanoTime() - scheduled) / 1000));
          (ar.succeeded() ? ok : failed).incrementAndGet();
          if (ok.get() + failed.get() == total) {
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            done.tryComplete(new Result(name, rate, sent.get(), ok.get(), failed.get(), seconds, histogram));
          }
        });
      }
      if (sent.get() >= total) {
        vertx.cancelTimer(timer[0]);
      }
    });
    // A node that cannot keep up still gets a report: what did not answer in time counts as failed.
    vertx.setTimer(duration.toMillis() + 30_000, id -> done.tryComplete(new Result(name, rate, sent.get(), ok.get(),
        total - ok.get(), (System.nanoTime() - startNanos) / 1e9, histogram)));
    return done.future();
  }

  private Future<Void> send(Request request) {
    RequestOptions options = new RequestOptions().setMethod(request.method()).setURI(request.uri());
    if (request.token() != null) {
      options.putHeader("Authorization", "Bearer " + request.token());
    }
    if (request.body() != null) {
      options.putHeader("Content-Type", "application/json");
    }
    return client.request(options)
        .compose(req -> request.body() == null ? req.send() : req.send(request.body()))
        .compose(response -> response.body().compose(body -> response.statusCode() < 400
            ? Future.<Void>succeededFuture()
            : Future.failedFuture(response.statusCode() + " " + body)));
  }

  Future<Void> close() {
    return client.close();
  }
}
