package fr.cantou;

import fr.cantou.platform.config.CantouConfig;
import fr.cantou.platform.config.ConfigException;
import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.platform.db.EmbeddedDatabase;
import fr.cantou.platform.db.Migrations;
import fr.cantou.platform.db.StartFailed;
import fr.cantou.platform.http.ApiContract;
import fr.cantou.platform.log.LogFormat;
import fr.cantou.platform.metrics.NodeMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Boot: configuration → database → migrations → node. Stops gracefully on SIGTERM. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    long enteredMs = sinceProcessStart();
    CantouConfig config;
    try {
      config = CantouConfig.load(System.getenv());
      CantouNode.checkSettings(config);
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      exit(2);
      return;
    }
    LogFormat.apply(config.log());
    try {
      run(config, enteredMs);
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      exit(2);
    } catch (StartFailed e) {
      LOG.error("event=start_failed reason=\"{}\"", e.getMessage());
      System.err.println("Cantou could not start: " + e.getMessage());
      exit(1);
    } catch (Exception e) {
      LOG.error("event=start_failed reason=\"{}\"", e.getMessage(), e);
      System.err.println("Cantou could not start: " + e.getMessage());
      exit(1);
    }
  }

  private static void run(CantouConfig config, long enteredMs) throws Exception {
    long started = System.nanoTime();
    // The JVM's own start (before main) and the configuration and logging's, apart from what follows.
    LOG.info("event=starting mainEnteredMs={} sinceProcessStartMs={}", enteredMs, sinceProcessStart());
    ApiContract.preload();
    // Vert.x, Netty and the metrics registry load their classes while the database starts and
    // migrates: the two were a third and two thirds of a restart one after the other.
    CompletableFuture<NodeRuntime> runtime = CompletableFuture.supplyAsync(() -> NodeRuntime.start(config.metrics()),
        task -> new Thread(task, "cantou-vertx-start").start());
    // One hook from the start: stopped while it starts, the node still writes its queued lines;
    // once started, the hook stops it first (two hooks would run at once, the logs stopped mid-way).
    AtomicReference<Runnable> stopping = new AtomicReference<>();
    java.lang.Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      Runnable stop = stopping.get();
      if (stop != null) {
        stop.run();
      }
      flushLogs();
    }, "cantou-shutdown"));
    try {
      start(config, started, runtime, stopping);
    } catch (Exception e) {
      runtime.thenAccept(r -> r.vertx().close());
      throw e;
    }
  }

  /** The node's Vert.x and the registry it reports into. */
  private record NodeRuntime(NodeMetrics metrics, Vertx vertx) {
    static NodeRuntime start(CantouConfig.Metrics settings) {
      NodeMetrics metrics = NodeMetrics.create(settings);
      Vertx vertx = metrics.vertx(new VertxOptions().setPreferNativeTransport(true));
      // Linux's epoll when its library loads (netty-transport-native-epoll), Java NIO otherwise.
      if (vertx.isNativeTransportEnabled()) {
        LOG.info("event=transport native=true");
      } else {
        LOG.info("event=transport native=false reason=\"{}\"", vertx.unavailableNativeTransportCause());
      }
      // The routers' contract too (read and compiled once per process), while the database starts.
      ApiContract.load(vertx);
      return new NodeRuntime(metrics, vertx);
    }
  }

  private static void start(CantouConfig config, long started, CompletableFuture<NodeRuntime> runtime,
                            AtomicReference<Runnable> stopping) throws Exception {
    EmbeddedDatabase embedded = null;
    DatabaseEndpoint endpoint;
    if (config.database().embedded()) {
      Path dataDir = Path.of(config.database().embeddedDataDir());
      LOG.info("event=database_starting mode=embedded dataDir={}", dataDir.toAbsolutePath());
      embedded = EmbeddedDatabase.start(dataDir, config.database().embeddedPort(), config.database().embeddedStartTimeout());
      endpoint = embedded.endpoint();
      LOG.info("event=database_ready mode=embedded sinceProcessStartMs={}", sinceProcessStart());
    } else {
      endpoint = DatabaseEndpoint.fromUrl(config.database().url());
      LOG.info("event=database_configured mode=external endpoint={}", endpoint);
    }
    CantouNode node;
    Vertx vertx;
    try {
      MigrateResult migrated = Migrations.migrate(endpoint);
      LOG.info("event=migrations_done applied={} schemaVersion={} sinceProcessStartMs={}", migrated.migrationsExecuted,
          migrated.targetSchemaVersion, sinceProcessStart());

      vertx = runtime.join().vertx();
      NodeMetrics metrics = runtime.join().metrics();
      LOG.info("event=vertx_ready sinceProcessStartMs={}", sinceProcessStart());
      node = awaitResult(CantouNode.start(vertx, config, endpoint, Clock.systemUTC(), metrics), 120);
    } catch (Exception e) {
      // pg_ctl detached the server from this JVM: left running, it would hold its data folder and the
      // next start would wait for it, then fail too.
      stopQuietly(embedded);
      throw e;
    }
    LOG.info("event=started url=http://{}:{} jitsi={} jitsiTokens={} mail={} startupMs={} sinceProcessStartMs={}", config.http().host(), node.port(),
        config.jitsi().domain(), config.jitsi().signsTokens(), config.smtp().configured() ? "smtp" : "log",
        (System.nanoTime() - started) / 1_000_000, sinceProcessStart());

    EmbeddedDatabase database = embedded;
    stopping.set(() -> {
      LOG.info("event=stopping");
      try {
        awaitResult(node.stop(), config.http().shutdownGrace().toSeconds() + 10);
      } catch (Exception e) {
        LOG.warn("event=stop_incomplete reason=\"{}\"", e.getMessage());
      }
      try {
        // Closed from this thread, not from a Vert.x callback: the future must outlive the event loops.
        awaitResult(vertx.close(), 10);
      } catch (Exception e) {
        LOG.warn("event=stop_incomplete reason=\"{}\"", e.getMessage());
      }
      stopQuietly(database);
      LOG.info("event=stopped");
    });
  }

  private static void exit(int status) {
    flushLogs();
    System.exit(status);
  }

  /**
   * Writes the lines still queued (LoopSafeConsole): its writer is a daemon thread, which the JVM
   * would leave behind at exit, "start_failed" or "stopped" unwritten. Waits 2 s at most (logback.xml).
   */
  private static void flushLogs() {
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logs) {
      logs.stop();
    }
  }

  private static void stopQuietly(EmbeddedDatabase database) {
    if (database != null) {
      try {
        database.close();
      } catch (Exception e) {
        LOG.warn("event=database_stop_failed reason=\"{}\"", e.getMessage());
      }
    }
  }

  /**
   * Milliseconds since the operating system started this process (the JVM's own start included),
   * for the start's log lines: a restart is timed from there (docs/benchmarks.md).
   */
  private static long sinceProcessStart() {
    return ProcessHandle.current().info().startInstant().map(at -> System.currentTimeMillis() - at.toEpochMilli()).orElse(-1L);
  }

  /** Waits on the main or shutdown thread (never on an event loop) for a future. */
  private static <T> T awaitResult(Future<T> future, long seconds) throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    future.onComplete(ar -> {
      if (ar.succeeded()) {
        result.set(ar.result());
      } else {
        failure.set(ar.cause());
      }
      done.countDown();
    });
    if (!done.await(seconds, TimeUnit.SECONDS)) {
      throw new IllegalStateException("timed out after " + seconds + " s");
    }
    if (failure.get() != null) {
      throw failure.get() instanceof Exception e ? e : new IllegalStateException(failure.get());
    }
    return result.get();
  }
}
