package fr.cantou.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The load generator: a JVM of its own, driven by the orchestrator ({@link Benchmarks}) one JSON
 * command per line on stdin, one {@value #RESULT} line per command on stdout. Its CPU is read
 * apart from the nodes', so each row shows what the load itself cost. Everything it does runs
 * on Vert.x event loops; only this reading thread waits, for one command at a time.
 */
public final class LoadGenerator {
  static final String RESULT = "RESULT ";

  // The transport the servers use too (epoll on Linux): the generator's share of the 2 cores as small as it can be.
  private final Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true));
  private final Map<Integer, HttpClient> http = new HashMap<>();
  private final Map<String, SocketFleet> fleets = new HashMap<>();

  public static void main(String[] args) throws Exception {
    LoadGenerator generator = new LoadGenerator();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      JsonObject command = new JsonObject(line);
      if ("exit".equals(command.getString("op"))) {
        break;
      }
      JsonObject result;
      try {
        result = generator.run(command).toCompletionStage().toCompletableFuture()
            .get(command.getLong("timeoutSeconds", 900L), TimeUnit.SECONDS);
      } catch (Exception e) {
        e.printStackTrace();
        result = new JsonObject().put("error", String.valueOf(e.getCause() == null ? e : e.getCause()));
      }
      System.out.println(RESULT + result.encode());
      System.out.flush();
    }
    generator.vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private Future<JsonObject> run(JsonObject c) {
    return switch (c.getString("op")) {
      case "http" -> {
        HttpOperation operation = HttpOperation.from(c.getJsonObject("operation"));
        HttpClient client = http(c.getInteger("port"));
        yield ClosedLoop.run(vertx, c.getInteger("clients"), c.getDouble("seconds"), c.getLong("limit", Long.MAX_VALUE / 4),
            c.getLong("offset", 0L), c.getString("ok"), index -> operation.send(client, index)).map(ClosedLoop.Outcome::toJson);
      }
      case "sql" -> sql(c);
      case "connect" -> fleets.computeIfAbsent(c.getString("fleet"), name -> new SocketFleet(vertx,
              c.getJsonArray("localAddresses", new JsonArray().add("127.0.0.1")).stream().map(Object::toString).toList()))
          .connect(SocketFleet.Protocol.valueOf(c.getString("protocol")), c.getInteger("port"), c.getString("uri"),
              c.getString("token"), c.getInteger("count"), c.getInteger("window", 64), c.getDouble("seconds", 120.0));
      case "fanout" -> {
        SocketFleet fleet = fleets.get(c.getString("fleet"));
        yield new FanOut(vertx, fleet, http(c.getInteger("port")), HttpOperation.from(c.getJsonObject("operation")))
            .step(c.getLong("firstSeq"), c.getDouble("rate"), c.getDouble("seconds"), c.getDouble("p99LimitMs"))
            .map(step -> step.toJson().put("sample", fleet.sample()));
      }
      case "quiet" -> fleets.get(c.getString("fleet")).quiet(c.getLong("quietMs"), c.getLong("atMostMs"))
          .map(new JsonObject());
      case "close" -> {
        SocketFleet fleet = fleets.remove(c.getString("fleet"));
        yield fleet == null ? Future.succeededFuture(new JsonObject()) : fleet.close().map(new JsonObject());
      }
      default -> Future.failedFuture("unknown op " + c.getString("op"));
    };
  }

  /**
   * One keep-alive pool of 64 connections per port, kept across commands. A connection idle for
   * 20 s is let go before a node's 30 s idle timeout closes it: a request sent on a connection
   * the server is closing at that moment fails (seen once as a lost create in a fan-out step).
   */
  private HttpClient http(int port) {
    return http.computeIfAbsent(port, p -> vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(p).setKeepAlive(true).setKeepAliveTimeout(20), new PoolOptions().setHttp1MaxSize(64)));
  }

  private Future<JsonObject> sql(JsonObject c) {
    JsonObject db = c.getJsonObject("database");
    Pool pool = PgBuilder.pool().with(new io.vertx.sqlclient.PoolOptions().setMaxSize(c.getInteger("clients")))
        // Prepared statements cached and pipelined, as the node's own pool.
        .connectingTo(new PgConnectOptions().setHost(db.getString("host")).setPort(db.getInteger("port"))
            .setDatabase(db.getString("database")).setUser(db.getString("user")).setPassword(db.getString("password"))
            .setCachePreparedStatements(true).setPipeliningLimit(64))
        .using(vertx).build();
    ClosedLoop.Operation operation = "booking".equals(c.getString("kind")) ? SqlBaselines.booking(pool, c.getJsonObject("spec"))
        : SqlBaselines.teleconsultation(pool, c.getJsonObject("spec"));
    // The pool's connections open before the clock starts: the baseline measures transactions, not log-ins.
    List<Future<io.vertx.sqlclient.SqlConnection>> warm = java.util.stream.IntStream.range(0, c.getInteger("clients"))
        .mapToObj(i -> pool.getConnection()).toList();
    return Future.all(warm).compose(all -> Future.all(warm.stream().map(f -> f.result().close()).toList()))
        .compose(v -> ClosedLoop.run(vertx, c.getInteger("clients"), c.getDouble("seconds"), c.getLong("limit", Long.MAX_VALUE / 4),
            c.getLong("offset", 0L), "committed", index -> operation.apply(index).map(String::valueOf)))
        .eventually(() -> pool.close())
        .map(ClosedLoop.Outcome::toJson);
  }
}
