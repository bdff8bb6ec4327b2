package fr.cantou.support;

import fr.cantou.CantouNode;
import fr.cantou.platform.config.CantouConfig;
import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.platform.metrics.NodeMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real node on a real database, on a free port, configured as a user would: with
 * CANTOU_* variables over config/cantou.yaml.
 */
public final class TestNode implements AutoCloseable {
  public static final String ADMIN_EMAIL = "admin@cantal.test";
  public static final String ADMIN_PASSWORD = "admin-password-1";

  private final Vertx vertx;
  private final CantouNode node;
  private final DatabaseEndpoint database;
  private final int blockedMark;
  public final Api api;

  private TestNode(Vertx vertx, CantouNode node, DatabaseEndpoint database, int blockedMark) {
    this.vertx = vertx;
    this.node = node;
    this.database = database;
    this.blockedMark = blockedMark;
    this.api = new Api(node.port());
  }

  public static TestNode start() {
    return start(TestDatabase.fresh(), Map.of(), Clock.systemUTC());
  }

  public static TestNode start(Map<String, String> env) {
    return start(TestDatabase.fresh(), env, Clock.systemUTC());
  }

  public static TestNode start(DatabaseEndpoint database, Map<String, String> env, Clock clock) {
    Map<String, String> all = new HashMap<>();
    all.put("CANTOU_HTTP_PORT", "0");
    all.put("CANTOU_ADMIN_EMAIL", ADMIN_EMAIL);
    all.put("CANTOU_ADMIN_PASSWORD", ADMIN_PASSWORD);
    // Cheaper hashing keeps the suite fast (the lowest memory allowed: 3 ms a hash, against 10 ms at 8 MiB, and the
    // suite signs in thousands of times); production cost is in config/cantou.yaml (LoginThrottleTest takes a dearer
    // one where the hashing's ceiling is its subject).
    all.put("CANTOU_AUTH_ARGON2_MEMORY_KIB", "1024");
    all.put("CANTOU_AUTH_ARGON2_ITERATIONS", "1");
    all.put("CANTOU_HTTP_SHUTDOWN_GRACE_SECONDS", "2");
    // Tests book from one address for the same few people, hundreds of times: the limits of
    // anonymous bookings are raised here, and tested where they are the subject.
    all.put("CANTOU_VISIO_ANONYMOUS_BOOKINGS_PER_ADDRESS", "100000");
    all.put("CANTOU_VISIO_ANONYMOUS_BOOKINGS_PER_CONTACT", "100000");
    all.put("CANTOU_VISIO_LOST_LINKS_PER_ADDRESS", "100000");
    all.put("CANTOU_AUTH_PASSWORD_RESETS_PER_ADDRESS", "100000");
    all.putAll(env);
    FirstBootClasses.load();
    CantouConfig config = CantouConfig.load(all);
    NodeMetrics metrics = NodeMetrics.create(config.metrics());
    Vertx vertx = metrics.vertx(new VertxOptions()
        // The node's transport (Main): epoll on Linux.
        .setPreferNativeTransport(true)
        .setBlockedThreadCheckInterval(100)
        // Half a second: a cold JVM loading classes can take a few hundred ms on first use.
        .setMaxEventLoopExecuteTime(500)
        .setWarningExceptionTime(500).setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS)
        .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
    CantouNode node = await(CantouNode.start(vertx, config, database, clock, metrics));
    // Watched from the moment the port is open: the boot's first class loading (once per JVM,
    // before any request can wait behind it) can exceed the limit on a loaded machine.
    int mark = BlockedThreadWatch.get().mark();
    return new TestNode(vertx, node, database, mark);
  }

  public int port() {
    return node.port();
  }

  public DatabaseEndpoint database() {
    return database;
  }

  public Vertx vertx() {
    return vertx;
  }

  public CantouNode node() {
    return node;
  }

  public String adminToken() {
    return api.login(ADMIN_EMAIL, ADMIN_PASSWORD);
  }

  /** Stops the node; fails the test if any event loop was blocked while it ran. */
  @Override
  public void close() {
    try {
      await(node.stop());
    } finally {
      await(vertx.close());
    }
    List<String> blocked = BlockedThreadWatch.get().since(blockedMark);
    if (!blocked.isEmpty()) {
      throw new AssertionError("an event loop was blocked: " + blocked);
    }
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
