package fr.cantou.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ServerWebSocket;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fan-out baseline: a bare Vert.x server that writes each body POSTed to /publish, as one
 * text message, to every WebSocket connected on /ws. No rights, no database, no outbox: what
 * broadcasting alone costs on this machine. One instance per core sharing the port, as the node.
 * Listens on the port given as the first argument.
 */
public final class BareBroadcastServer extends VerticleBase {
  private static final Set<ServerWebSocket> SOCKETS = ConcurrentHashMap.newKeySet();
  private final int port;

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
    return vertx.createHttpServer()
        .webSocketHandler(ws -> {
          SOCKETS.add(ws);
          ws.closeHandler(v -> SOCKETS.remove(ws));
          ws.handler(ignored -> { });
        })
        .requestHandler(request -> request.body().onSuccess(body -> {
          String text = body.toString();
          // Written from here; Vert.x hands each write to the socket's own event loop.
          SOCKETS.forEach(ws -> ws.writeTextMessage(text));
          request.response().setStatusCode(202).end();
        }))
        .listen(port, "127.0.0.1");
  }
}
