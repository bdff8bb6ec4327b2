package fr.cantou;

import fr.cantou.identity.Authenticator;
import fr.cantou.platform.CantouModule;
import fr.cantou.platform.Platform;
import fr.cantou.platform.config.CantouConfig;
import fr.cantou.platform.http.ApiContract;
import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.ApiModule;
import fr.cantou.platform.http.BodyPace;
import fr.cantou.platform.http.HealthRoutes;
import fr.cantou.platform.http.JsonBodyGuard;
import fr.cantou.platform.http.LingeringClose;
import fr.cantou.platform.http.MetricsRoute;
import fr.cantou.platform.http.ProblemHandler;
import fr.cantou.platform.http.PublicConfigRoutes;
import fr.cantou.platform.http.RequestBodies;
import fr.cantou.platform.http.RequestLog;
import fr.cantou.platform.http.Responses;
import fr.cantou.platform.http.SecurityHeaders;
import fr.cantou.platform.log.RequestId;
import fr.cantou.realtime.WebSocketGateway;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;

import java.util.ArrayList;
import java.util.List;

/**
 * The router of one of a node's HTTP servers, all built alike (docs/architecture.md draws it):
 * every request's id, log line and security headers; the node's own endpoints (/health, /ready,
 * /metrics, /ws, /openapi.yaml); the modules' routes outside /api; the one API router generated
 * from docs/openapi.yaml, with the modules' handlers; the pages; problems for what fails.
 */
final class NodeRouter {
  private NodeRouter() {}

  /** The router of one HTTP server: the node's own endpoints, /ws, the API built from its contract, the pages. */
  static Future<Router> build(Platform platform, Authenticator authenticator, WebSocketGateway gateway,
                                List<CantouModule> modules) {
    CantouConfig config = platform.config();
    JsonObject publicSettings = new JsonObject();
    modules.forEach(m -> publicSettings.mergeIn(m.publicSettings()));
    List<ApiModule> routes = new ArrayList<>();
    routes.add(new PublicConfigRoutes(config, publicSettings));
    routes.addAll(CantouNode.all(modules, CantouModule::routes));
    return ApiContract.load(platform.vertx()).map(contract -> {
      RouterBuilder api = RouterBuilder.create(platform.vertx(), contract, RequestExtractor.withBodyHandler());
      // Bodies read whole, except a file's, which its handler streams (RequestBodies).
      api.rootHandler(new RequestBodies(contract, config.http().bodyLimitBytes(),
          new BodyPace(config.http().bodyGrace(), config.http().bodyMinBytesPerSecond())));
      api.rootHandler(new JsonBodyGuard());
      api.rootHandler(authenticator);
      routes.forEach(module -> module.mount(api));
      // The Authenticator above already turned the bearer token into a principal (read from the
      // database, so deactivations bite at once); each feature checks its rights itself.
      api.getRoutes().forEach(route -> route.setDoSecurity(false));

      Router router = Router.router(platform.vertx());
      router.route().handler(new RequestId());
      router.route().handler(new RequestLog());
      // Answered before its body has all come: drained, then closed (a refused upload, a body over the limit).
      router.route().handler(new LingeringClose());
      router.route().handler(new fr.cantou.platform.http.ServerDate(platform.clock()));
      router.route().handler(new SecurityHeaders(config.jitsi().origin(), "https".equals(config.http().publicUrl().getScheme())));
      // Before the first route with a path, whose matching decodes the path.
      router.route().handler(new fr.cantou.platform.http.MalformedAddress());
      HealthRoutes.mount(router, platform.vertx(), platform.pool());
      router.get("/metrics").handler(new MetricsRoute(platform.vertx(), platform.metrics(), config.metrics(),
          CantouNode.all(modules, CantouModule::figures)));
      router.get(fr.cantou.platform.http.SocketUpgrade.PATH).handler(gateway);
      router.get("/openapi.yaml").handler(ApiContract::serve);
      modules.forEach(m -> m.mountOutsideApi(router));
      Router apiRouter = api.createRouter();
      apiRouter.route().failureHandler(new ProblemHandler());
      router.route("/api/*").subRouter(apiRouter);
      router.route("/api/*").handler(ctx -> Responses.problem(ctx, ApiException.notFound("No such API resource.")));
      router.route().handler(staticPages(config.http().webRoot())
          .setIndexPage("index.html")
          .setCachingEnabled(true)
          .setMaxAgeSeconds(300)
          .setIncludeHidden(false));
      router.route().failureHandler(new ProblemHandler());
      router.route().last().handler(ctx -> Responses.problem(ctx, ApiException.notFound("No such page.")));
      return router;
    });
  }

  /**
   * The pages' folder as configured: relative, to the working directory (then the pages inside the
   * jar); absolute ({@code CANTOU_HTTP_WEB_ROOT=/opt/cantou/webapp}), as it is, which Vert.x's
   * default refuses ("root cannot start with '/'"), stopping the node at start.
   */
  private static StaticHandler staticPages(String webRoot) {
    java.nio.file.Path folder = java.nio.file.Path.of(webRoot);
    if (!folder.isAbsolute()) {
      return StaticHandler.create(webRoot);
    }
    // Vert.x refuses any hidden segment in the path it serves, the folder's own included: /srv/./webapp
    // would answer 404 everywhere, so the folder is written without "." and ".." first.
    return StaticHandler.create(io.vertx.ext.web.handler.FileSystemAccess.ROOT, folder.normalize().toString());
  }
}
