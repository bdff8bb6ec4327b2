package fr.cantou.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ServerWebSocket;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The fan-out baseline: a bare Vert.x server that writes each body POSTed to /publish, as one
 * text message, to every WebSocket connected on /ws. No rights, no database, no outbox: what
 * broadcasting alone costs on this machine. One instance per core sharing the port, each writing
 * to the sockets of its own event loop, as the node.
 * Listens on the port given as the first argument.
 */
public final class BareBroadcastServer extends VerticleBase {
  /** Every instance, each with the sockets its own event loop serves. */
  private static final List<BareBroadcastServer> INSTANCES = new CopyOnWriteArrayList<>();
  private final int port;
  /** Touched only on this instance's event loop. */
  private final Set<ServerWebSocket> sockets = new HashSet<>();

  private BareBroadcastServer(int port) {
    this.port = port;
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    vertx.deployVerticle(() -> new BareBroadcastServer(port),
            new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()))
        .onSuccess(id -> System.out.println("bare broadcast server on " + port))
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        });
  }

  @Override
  public Future<?> start() {
    INSTANCES.add(this);
    return vertx.createHttpServer()
        .webSocketHandler(ws -> {
          sockets.add(ws);
          ws.closeHandler(v -> sockets.remove(ws));
          ws.handler(ignored -> { });
        })
        .requestHandler(request -> request.body().onSuccess(body -> {
          String text = body.toString();
          // As a Vert.x team would write it (and as the node does): one hand-off per event loop, whose
          // instance then writes to its own sockets, not one cross-thread task per socket.
          INSTANCES.forEach(instance -> instance.context.runOnContext(v -> instance.sockets.forEach(ws -> ws.writeTextMessage(text))));
          request.response().setStatusCode(202).end();
        }))
        .listen(port, "127.0.0.1");
  }
}
