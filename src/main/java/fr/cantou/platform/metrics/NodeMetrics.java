package fr.cantou.platform.metrics;

import fr.cantou.platform.config.CantouConfig;
import fr.cantou.platform.log.LoopSafeConsole;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.netty4.NettyEventExecutorMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The node's figures: Vert.x's own (HTTP, the database pool, event loops, JVM) and the domain's,
 * in one Prometheus registry per node. Features are handed this class and say what happened;
 * every count is a lock-free add, so it is safe on an event loop. Disabled, nothing is kept.
 */
public final class NodeMetrics {
  /** Wait buckets, from a minute to an hour and a half: what a queue of teleconsultations sees. */
  private static final Duration[] WAIT_BUCKETS = {Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2),
      Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(20), Duration.ofMinutes(30), Duration.ofMinutes(60),
      Duration.ofMinutes(90)};

  private final MeterRegistry registry;
  private final PrometheusMeterRegistry prometheus;
  private final Counter bookings;
  private final Counter noShows;
  private final Counter eventsDelivered;
  private final Counter eventsDropped;
  private final Timer waitBeforeClaim;
  /** Gauges hold their values weakly: these maps keep them alive. */
  private final Map<String, AtomicLong> queued = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> inCall = new ConcurrentHashMap<>();

  private NodeMetrics(MeterRegistry registry, PrometheusMeterRegistry prometheus) {
    this.registry = registry;
    this.prometheus = prometheus;
    bookings = Counter.builder("cantou.visio.bookings").description("Appointments booked (not retries)").register(registry);
    noShows = Counter.builder("cantou.visio.no.shows").description("Appointments marked absent").register(registry);
    eventsDelivered = Counter.builder("cantou.events.delivered").description("Events handed to WebSockets").register(registry);
    eventsDropped = Counter.builder("cantou.events.dropped")
        .description("Frames not written because the client was too slow (it is dropped and resumes)").register(registry);
    // The class itself as the counter's object: held weakly by the registry, it is never collected.
    FunctionCounter.builder("cantou.log.lines.dropped", LoopSafeConsole.class, c -> LoopSafeConsole.dropped())
        .description("Log lines dropped because the console's queue was full (stdout not read)").register(registry);
    waitBeforeClaim = Timer.builder("cantou.teleconsult.wait")
        .description("Time a teleconsultation waited in the queue before a doctor took it")
        .serviceLevelObjectives(WAIT_BUCKETS)
        .register(registry);
  }

  public static NodeMetrics create(CantouConfig.Metrics settings) {
    if (!settings.enabled()) {
      // A composite with no registry below: meters exist and count nothing.
      return new NodeMetrics(new CompositeMeterRegistry(), null);
    }
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return new NodeMetrics(prometheus, prometheus);
  }

  /** Vert.x reporting into this registry (HTTP by route template, the pool by name, JVM). */
  public Vertx vertx(VertxOptions options) {
    if (prometheus == null) {
      return Vertx.vertx(options);
    }
    options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
        .addLabels(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME));
    Vertx vertx = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(prometheus)).build();
    // Tasks waiting on each event loop: a loop falling behind shows here first.
    new NettyEventExecutorMetrics(((VertxInternal) vertx).nettyEventLoopGroup()).bindTo(prometheus);
    return vertx;
  }

  /** The Prometheus text of every figure; empty when metrics are disabled. */
  public Optional<String> scrape() {
    return prometheus == null ? Optional.empty() : Optional.of(prometheus.scrape());
  }

  public void booked() {
    bookings.increment();
  }

  /** {@code flow}: teleconsultation or visio. */
  public void cancelled(String flow) {
    registry.counter("cantou.cancellations", "flow", flow).increment();
  }

  public void noShow() {
    noShows.increment();
  }

  /** "Terminé" or "Absent" taken back by the agent ({@code outcome}: completed or no_show); the counters above only grow. */
  public void outcomeUndone(String outcome) {
    registry.counter("cantou.visio.outcomes.undone", "outcome", outcome).increment();
  }

  public void mailSent() {
    registry.counter("cantou.mails", "outcome", "sent").increment();
  }

  public void mailFailed() {
    registry.counter("cantou.mails", "outcome", "failed").increment();
  }

  /** A mail (to the citizen or to her mediator) failed at its last attempt, or its last attempt never finished: not sent. */
  public void mailGivenUp() {
    registry.counter("cantou.mails", "outcome", "given_up").increment();
  }

  /** An SMS handed to the provider (or the log): {@code sent}; an attempt refused: {@code failed}; the last one refused: {@code given_up}. */
  public void sms(String outcome) {
    registry.counter("cantou.sms", "outcome", outcome).increment();
  }

  public void eventsDelivered(int count) {
    eventsDelivered.increment(count);
  }

  public void eventsDropped(int count) {
    eventsDropped.increment(count);
  }

  public void waitedBeforeClaim(Duration waited) {
    waitBeforeClaim.record(waited.isNegative() ? Duration.ZERO : waited);
  }

  /** The sockets open on this node, read when figures are scraped. */
  public void webSocketConnections(IntSupplier open) {
    Gauge.builder("cantou.websocket.connections", open::getAsInt).description("WebSockets open on this node")
        .strongReference(true).register(registry);
  }

  /** Teleconsultations waiting, by specialty (the whole cluster's, read from the database at scrape); an emptied queue reads 0. */
  public void queueLengths(Map<String, Long> bySpecialty) {
    queued.forEach((specialty, gauge) -> gauge.set(bySpecialty.getOrDefault(specialty, 0L)));
    bySpecialty.forEach((specialty, count) -> gauge(queued, "cantou.teleconsult.queue", "specialty", specialty).set(count));
  }

  /** Calls in progress for one flow (the whole cluster's, read from the database at scrape). */
  public void callsInProgress(String flow, long calls) {
    gauge(inCall, "cantou.calls.in.progress", "flow", flow).set(calls);
  }

  private AtomicLong gauge(Map<String, AtomicLong> gauges, String name, String tag, String value) {
    return gauges.computeIfAbsent(value, v -> registry.gauge(name, Tags.of(tag, v), new AtomicLong()));
  }

  /** Counts a run of a periodic job, and its failure. */
  public <T> Future<T> job(String name, Supplier<Future<T>> run) {
    registry.counter("cantou.jobs.runs", "job", name).increment();
    return run.get().onFailure(e -> registry.counter("cantou.jobs.failures", "job", name).increment());
  }
}
