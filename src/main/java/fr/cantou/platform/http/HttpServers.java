package fr.cantou.platform.http;

import fr.cantou.platform.config.CantouConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The node's HTTP and WebSocket servers: one per event loop, all on one port (Vert.x hands
 * each new connection to the next one), each with its own router, so every core serves and a
 * socket's frames are always handled on the loop that accepted it.
 */
public final class HttpServers {
  /** The longest WebSocket frame, either way; a longer message goes in several (the realtime gateway's too). */
  public static final int MAX_WEBSOCKET_FRAME_BYTES = HttpServerOptions.DEFAULT_MAX_WEBSOCKET_FRAME_SIZE;

  private final Vertx vertx;
  private final List<Instance> instances = new CopyOnWriteArrayList<>();
  private final List<String> deployments = new CopyOnWriteArrayList<>();
  private volatile int port = -1;

  public HttpServers(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The servers' options from the node's settings (the same for every server of the node). */
  public static HttpServerOptions options(CantouConfig.Http http) {
    return new HttpServerOptions()
        .setHost(http.host())
        .setPort(http.port())
        .setCompressionSupported(true)
        // No per-message deflate on WebSockets: an event goes to hundreds of sockets, and each
        // would compress the same bytes again (and keep a zlib state per socket); events and
        // heartbeats are small. Pages and API answers stay gzip-compressed.
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        // HTTP/1.1 only: no cleartext HTTP/2 (h2c), neither by upgrade nor by prior knowledge.
        // nginx talks HTTP/1.1 to the nodes (proxy_pass has no h2c) and browsers never use h2c;
        // the node has no TLS of its own, so no ALPN "h2" either. Vert.x 5.0.10 then builds each
        // connection's pipeline for HTTP/1.x only (HttpServerConnectionInitializer.configurePipeline:
        // neither Http1xOrH2CHandler nor Http1xUpgradeToH2CHandler is added, and no HTTP/1 class of
        // the server switches a connection to HTTP/2): a request carrying "Upgrade: h2c" is an
        // ordinary HTTP/1.1 request answered in HTTP/1.1 on a connection that stays HTTP/1.1.
        .setHttp2ClearTextEnabled(false)
        // Vert.x's strict thread mode: every answer is written on its connection's loop (one
        // server per loop, continuations on the request's context), so Vert.x writes to the
        // channel directly instead of through a 1,024-slot MPSC queue per connection (4.7 KiB
        // of heap, kept for a WebSocket's whole life: docs/benchmarks.md). It was turned off on
        // 2 December 2026 because, with h2c on, an answer written at once to a request asking
        // for an h2c upgrade reached the client as HTTP/1.1 bytes inside the HTTP/2 connection
        // (ApiDescriptionTest, once in three clean-clone runs). That cannot come back with h2c
        // off: there is no HTTP/2 on the connection for HTTP/1.1 bytes to land inside
        // (HttpServersTest checks that a client asking for h2c is answered in HTTP/1.1).
        .setStrictThreadMode(true)
        .setIdleTimeout((int) http.idleTimeout().toSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setMaxWebSocketMessageSize(64 * 1024)
        .setMaxWebSocketFrameSize(MAX_WEBSOCKET_FRAME_BYTES)
        // 0: the kernel's own size, grown as each connection needs (net.ipv4.tcp_wmem).
        .setSendBufferSize(http.sendBufferBytes() > 0 ? http.sendBufferBytes() : HttpServerOptions.DEFAULT_SEND_BUFFER_SIZE);
  }

  /**
   * One deployment of {@code count} instances on one port, which Vert.x shares between them.
   * Port 0 (tests) would give each instance a random port of its own, so a free port is picked
   * first (and picked again if another process takes it meanwhile).
   */
  public Future<Void> start(int count, HttpServerOptions options, Supplier<Future<Router>> routers, Duration grace) {
    if (options.getPort() != 0) {
      return deploy(count, options, routers, grace);
    }
    return pickFreePort(options.getHost()).compose(free -> deploy(count, new HttpServerOptions(options).setPort(free), routers, grace)
        .recover(e -> e instanceof java.net.BindException && instances.isEmpty()
            ? start(count, options, routers, grace) : Future.failedFuture(e)));
  }

  private Future<Void> deploy(int count, HttpServerOptions options, Supplier<Future<Router>> routers, Duration grace) {
    return vertx.deployVerticle(() -> new Instance(options, routers, grace), new DeploymentOptions().setInstances(count))
        .onSuccess(id -> {
          deployments.add(id);
          port = instances.get(0).server.actualPort();
        })
        .mapEmpty();
  }

  private Future<Integer> pickFreePort(String host) {
    return vertx.executeBlocking(() -> {
      try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
        return probe.getLocalPort();
      }
    });
  }

  public int port() {
    return port;
  }

  public int count() {
    return instances.size();
  }

  public Router router() {
    return instances.get(0).router;
  }

  /** Stops accepting; in-flight requests get the grace period each server was given. */
  public Future<Void> stop() {
    return Future.join(deployments.stream().map(vertx::undeploy).toList()).mapEmpty();
  }

  private final class Instance extends VerticleBase {
    private final HttpServerOptions options;
    private final Supplier<Future<Router>> routers;
    private final Duration grace;
    private HttpServer server;
    private Router router;

    Instance(HttpServerOptions options, Supplier<Future<Router>> routers, Duration grace) {
      this.options = options;
      this.routers = routers;
      this.grace = grace;
    }

    @Override
    public Future<?> start() {
      return routers.get()
          .compose(built -> {
            router = built;
            return vertx.createHttpServer(options).requestHandler(built).listen();
          })
          .onSuccess(s -> {
            server = s;
            instances.add(this);
          });
    }

    @Override
    public Future<?> stop() {
      return server == null ? Future.succeededFuture() : server.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
