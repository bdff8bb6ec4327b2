package fr.cantou.platform.http;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import fr.cantou.platform.db.DatabaseProbe;
import io.vertx.sqlclient.Pool;

/** /health: the process lives. /ready: the database answers now (within two seconds). */
public final class HealthRoutes {
  private static final long READY_TIMEOUT_MS = 2_000;

  private HealthRoutes() {}

  public static void mount(Router router, Vertx vertx, Pool pool) {
    router.get("/health").handler(ctx -> Responses.ok(ctx, new JsonObject().put("status", "up")));
    router.get("/ready").handler(ctx -> DatabaseProbe.ping(pool)
        .timeout(READY_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS)
        .onSuccess(rows -> Responses.ok(ctx, new JsonObject().put("status", "ready").put("database", "up")))
        .onFailure(e -> Responses.problem(ctx, new ApiException(503, "The database does not answer."))));
  }
}
