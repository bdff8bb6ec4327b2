package fr.cantou.platform;

import fr.cantou.platform.http.ApiModule;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.util.List;
import java.util.function.Supplier;

/**
 * A feature as its node sees it. Each feature's module ({@code IdentityModule},
 * {@code TeleconsultModule}, …) builds the feature once per node and says here what the node
 * mounts and runs for it; {@code CantouNode} is the list of the modules, one API router and one
 * job scheduler. A module that also takes part in the real time is a {@code realtime.LiveModule}.
 */
public interface CantouModule {
  /** Its HTTP adapters, mounted on the one API router built from docs/openapi.yaml. */
  List<ApiModule> routes();

  /** Its periodic work, run by the node's one scheduler ({@link Jobs}). */
  default List<Jobs.Job> jobs() {
    return List.of();
  }

  /** Its own settings that the pages read at {@code /api/config}. */
  default JsonObject publicSettings() {
    return new JsonObject();
  }

  /** Its routes outside /api, on the node's own router (visio's short links, /r/:link). */
  default void mountOutsideApi(Router router) {}

  /** The figures it reads from the database when /metrics is asked. */
  default List<Supplier<Future<Void>>> figures() {
    return List.of();
  }

  /** Once the node follows the outbox, before it serves. */
  default Future<Void> start() {
    return Future.succeededFuture();
  }

  /** Once the node no longer serves: what it still holds is written or let go. */
  default Future<Void> stop() {
    return Future.succeededFuture();
  }
}
