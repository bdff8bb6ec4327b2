package fr.cantou;

import fr.cantou.demo.DemoTerritory;
import fr.cantou.identity.AuthService;
import fr.cantou.identity.Authenticator;
import fr.cantou.identity.IdentityRoutes;
import fr.cantou.identity.IdentityService;
import fr.cantou.identity.IdentityStore;
import fr.cantou.identity.PasswordHasher;
import fr.cantou.identity.RefreshTokenStore;
import fr.cantou.identity.TokenService;
import fr.cantou.platform.Platform;
import fr.cantou.platform.RateLimits;
import fr.cantou.platform.config.CantouConfig;
import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.platform.db.DatabaseWatch;
import fr.cantou.platform.db.SettingStore;
import fr.cantou.platform.http.ApiContract;
import fr.cantou.platform.http.ApiModule;
import fr.cantou.platform.http.ClientAddress;
import fr.cantou.platform.http.HealthRoutes;
import fr.cantou.platform.http.MetricsRoute;
import fr.cantou.platform.http.HttpServers;
import fr.cantou.platform.http.JsonBodyGuard;
import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.ProblemHandler;
import fr.cantou.platform.http.PublicConfigRoutes;
import fr.cantou.platform.http.RequestLog;
import fr.cantou.platform.http.Responses;
import fr.cantou.platform.http.SecurityHeaders;
import fr.cantou.platform.log.RequestId;
import fr.cantou.platform.metrics.NodeMetrics;
import fr.cantou.realtime.CountedPushes;
import fr.cantou.realtime.EventListener;
import fr.cantou.realtime.EventOutbox;
import fr.cantou.realtime.EventRetention;
import fr.cantou.realtime.EventStore;
import fr.cantou.realtime.WebSocketGateway;
import fr.cantou.rooms.JitsiRooms;
import fr.cantou.teleconsult.CallMessages;
import fr.cantou.teleconsult.PresenceService;
import fr.cantou.teleconsult.PresenceStore;
import fr.cantou.teleconsult.PushAudit;
import fr.cantou.teleconsult.TeleconsultEvents;
import fr.cantou.teleconsult.TeleconsultRoutes;
import fr.cantou.teleconsult.TeleconsultService;
import fr.cantou.teleconsult.TeleconsultSnapshot;
import fr.cantou.teleconsult.TeleconsultStore;
import fr.cantou.visio.VisioModule;
import fr.cantou.stats.StatsRoutes;
import fr.cantou.privacy.PersonalDataRoutes;
import fr.cantou.privacy.PersonalDataService;
import fr.cantou.stats.StatsService;
import fr.cantou.stats.StatsStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One server node: its pool, its features and its HTTP server. Any number of nodes can
 * run on one database; they share nothing else.
 */
public final class CantouNode {
  private static final Logger LOG = LoggerFactory.getLogger(CantouNode.class);

  /** How often each node runs the periodic jobs (announcements, timeouts, escalation, presence). */
  private static final long JOB_PERIOD_MS = 5_000;

  private final Platform platform;
  private final DatabaseEndpoint database;
  private final String nodeId = UUID.randomUUID().toString();
  private HttpServers servers;
  private EventListener listener;
  private WebSocketGateway gateway;
  private TeleconsultService teleconsultations;
  private PresenceService presence;
  private PushAudit pushAudit;
  private VisioModule visio;
  private EventRetention retention;
  private AuthService auth;
  private RateLimits rateLimits;
  private DatabaseWatch databaseWatch;
  private long jobTimer = -1;

  private CantouNode(Platform platform, DatabaseEndpoint database) {
    this.platform = platform;
    this.database = database;
  }

  /** Migrations must have run before; {@code vertx} was made by {@code metrics} (so that it reports there). */
  public static Future<CantouNode> start(Vertx vertx, CantouConfig config, DatabaseEndpoint database, Clock clock,
                                         NodeMetrics metrics) {
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(config.database().poolSize()).setName("cantou-pool").setShared(false)
            .setConnectionTimeout(3).setConnectionTimeoutUnit(TimeUnit.SECONDS).setMaxWaitQueueSize(1_000))
        .with(new NetClientOptions().setConnectTimeout(2_000))
        .connectingTo(database.connectOptions())
        .using(vertx)
        .build();
    CantouNode node = new CantouNode(new Platform(vertx, pool, config, clock, metrics), database);
    return node.boot().recover(e -> pool.close().transform(v -> Future.failedFuture(e)));
  }

  private Future<CantouNode> boot() {
    CantouConfig config = platform.config();
    IdentityStore identityStore = new IdentityStore();
    RefreshTokenStore refreshTokens = new RefreshTokenStore();
    PasswordHasher hasher = new PasswordHasher(platform.vertx(), config.auth().argon2MemoryKib(), config.auth().argon2Iterations(),
        config.auth().maxConcurrentHashes(), config.auth().hashQueue());
    Future<String> manageKey = generatedKey("visio.manageKey", "");
    return generatedKey("auth.jwtKey", config.auth().jwtKey()).compose(key -> manageKey.compose(visioKey -> {
      TokenService tokens = new TokenService(platform.vertx(), key, config.auth().accessTokenLifetime());
      auth = new AuthService(platform, identityStore, refreshTokens, hasher, tokens);
      Authenticator authenticator = new Authenticator(tokens, identityStore, platform.pool());
      EventOutbox outbox = new EventOutbox();
      IdentityService identity = new IdentityService(platform, identityStore, refreshTokens, hasher, outbox);
      EventStore eventStore = new EventStore();
      rateLimits = new RateLimits(platform);
      retention = new EventRetention(platform.pool(), eventStore, platform.clock(), config.realtime().eventRetention());
      JitsiRooms rooms = new JitsiRooms(platform.vertx(), config.jitsi());

      presence = new PresenceService(platform, new PresenceStore(), outbox, nodeId);
      TeleconsultStore teleconsultStore = new TeleconsultStore();
      teleconsultations = new TeleconsultService(platform, teleconsultStore, new TeleconsultEvents(outbox), presence, rooms);
      pushAudit = new PushAudit(platform, teleconsultStore);
      ClientAddress addresses = new ClientAddress(config.http().trustedProxies());
      visio = new VisioModule(platform, outbox, rooms, visioKey, addresses, rateLimits);
      if (!config.smtp().configured()) {
        LOG.warn("event=mail_to_log reason=\"no SMTP host configured: mails are written to the log, not sent; "
            + "set CANTOU_SMTP_HOST to send them\"");
      }

      gateway = new WebSocketGateway(platform, authenticator, eventStore,
          List.of(new TeleconsultSnapshot(teleconsultations, presence), visio.snapshot),
          List.of(visio.resolver),
          List.of(new CallMessages(teleconsultations)),
          List.of(presence),
          new CountedPushes(pushAudit, platform.metrics()));
      platform.metrics().webSocketConnections(gateway::connected);
      listener = new EventListener(platform.vertx(), platform.pool(), database.connectOptions(), eventStore, outbox, nodeId,
          List.of(gateway::dispatch, visio::onEvent));
      EventListener events = listener;
      databaseWatch = new DatabaseWatch(platform.vertx(), platform.pool(), List.of(gateway::databaseAnswers, up -> {
        if (up) {
          events.readNow();
        }
      }));
      List<ApiModule> modules = List.of(
          new IdentityRoutes(auth, identity, addresses),
          new PublicConfigRoutes(config),
          new TeleconsultRoutes(teleconsultations, presence),
          visio.routes,
          new StatsRoutes(new StatsService(platform, new StatsStore())),
          new PersonalDataRoutes(new PersonalDataService(visio.service, teleconsultations, platform.clock()), addresses));
      return bootstrap(identity, hasher)
          .compose(v -> listener.start())
          .compose(v -> presence.alive())
          .compose(v -> listen(() -> router(authenticator, modules)))
          .onSuccess(v -> startJobs());
    })).map(this);
  }

  /** A configured key, or one generated at the first start and kept in the database for every node. */
  private Future<String> generatedKey(String name, String configured) {
    if (!configured.isEmpty()) {
      return Future.succeededFuture(configured);
    }
    byte[] random = new byte[48];
    new SecureRandom().nextBytes(random);
    return new SettingStore().valueOrInsert(platform.pool(), name, Base64.getEncoder().encodeToString(random));
  }

  private Future<Void> bootstrap(IdentityService identity, PasswordHasher hasher) {
    CantouConfig config = platform.config();
    Future<Void> admin = Future.succeededFuture();
    if (config.admin().requested()) {
      admin = identity.bootstrapAdmin(config.admin().email(), config.admin().password())
          .onSuccess(created -> LOG.info("event=admin_bootstrap created={}", created))
          .mapEmpty();
    }
    if (!config.demo().enabled()) {
      return admin;
    }
    return admin.compose(v -> new DemoTerritory(platform, identity, visio.catalogue).loadOnce(config.demo().password()))
        .onSuccess(loaded -> LOG.info("event=demo_territory loaded={}", loaded))
        .mapEmpty();
  }

  private Future<Router> router(Authenticator authenticator, List<ApiModule> modules) {
    CantouConfig config = platform.config();
    return ApiContract.load(platform.vertx()).map(contract -> {
      RouterBuilder api = RouterBuilder.create(platform.vertx(), contract, RequestExtractor.withBodyHandler());
      api.rootHandler(BodyHandler.create(false).setBodyLimit(config.http().bodyLimitBytes()));
      api.rootHandler(new JsonBodyGuard());
      api.rootHandler(authenticator);
      modules.forEach(module -> module.mount(api));
      // The Authenticator above already turned the bearer token into a principal (read from the
      // database, so deactivations bite at once); each feature checks its rights itself.
      api.getRoutes().forEach(route -> route.setDoSecurity(false));

      Router router = Router.router(platform.vertx());
      router.route().handler(new RequestId());
      router.route().handler(new RequestLog());
      router.route().handler(new SecurityHeaders(config.jitsi().origin(), "https".equals(config.http().publicUrl().getScheme())));
      HealthRoutes.mount(router, platform.vertx(), platform.pool());
      router.get("/metrics").handler(new MetricsRoute(platform.vertx(), platform.metrics(), config.metrics(),
          List.of(teleconsultations::refreshFigures, visio.service::refreshFigures)));
      router.get("/ws").handler(gateway);
      router.get("/openapi.yaml").handler(ApiContract::serve);
      Router apiRouter = api.createRouter();
      apiRouter.route().failureHandler(new ProblemHandler());
      router.route("/api/*").subRouter(apiRouter);
      router.route("/api/*").handler(ctx -> Responses.problem(ctx, ApiException.notFound("No such API resource.")));
      router.route().handler(StaticHandler.create(config.http().webRoot())
          .setIndexPage("index.html")
          .setCachingEnabled(true)
          .setMaxAgeSeconds(300)
          .setIncludeHidden(false));
      router.route().failureHandler(new ProblemHandler());
      router.route().last().handler(ctx -> Responses.problem(ctx, ApiException.notFound("No such page.")));
      return router;
    });
  }

  /** One server per event loop (http.eventLoops, one per core by default), each with its own router. */
  private Future<Void> listen(java.util.function.Supplier<Future<Router>> routers) {
    CantouConfig.Http http = platform.config().http();
    servers = new HttpServers(platform.vertx());
    return servers.start(http.eventLoops(), new HttpServerOptions()
            .setHost(http.host())
            .setPort(http.port())
            .setCompressionSupported(true)
            // No per-message deflate on WebSockets: an event goes to hundreds of sockets, and each
            // would compress the same bytes again (and keep a zlib state per socket); events and
            // heartbeats are small. Pages and API answers stay gzip-compressed.
            .setPerMessageWebSocketCompressionSupported(false)
            .setPerFrameWebSocketCompressionSupported(false)
            // Not Vert.x's strict thread mode, though it would save a 4 KiB write queue per
            // connection (docs/benchmarks.md): with it, an answer written at once to a request
            // that asked for an h2c upgrade reached the client as HTTP/1.1 bytes inside the
            // HTTP/2 connection (ApiDescriptionTest, once in three clean-clone runs).
            .setIdleTimeout((int) http.idleTimeout().toSeconds())
            .setIdleTimeoutUnit(TimeUnit.SECONDS)
            .setMaxWebSocketMessageSize(64 * 1024), routers, http.shutdownGrace());
  }

  private void startJobs() {
    gateway.start();
    databaseWatch.start();
    pushAudit.start();
    jobTimer = platform.vertx().setPeriodic(JOB_PERIOD_MS, id -> runJobs()
        .onFailure(e -> LOG.warn("event=jobs_failed reason=\"{}\"", e.getMessage())));
  }

  /** Runs the periodic jobs now (tests move their clock, then call this). */
  public Future<Void> runJobs() {
    // Independent jobs: one failing does not hold the other back.
    NodeMetrics metrics = platform.metrics();
    return Future.join(metrics.job("teleconsult", teleconsultations::runJobs), metrics.job("mail", visio.mailJob::run),
        metrics.job("citizen_data_retention", visio.citizenData::run),
        metrics.job("event_retention", retention::run), metrics.job("login_attempts", auth::forgetOldAttempts),
        metrics.job("rate_limits", () -> rateLimits.forgetOld(Duration.ofDays(1)))).mapEmpty();
  }

  public int port() {
    return servers.port();
  }

  /** The router of one of the node's HTTP servers (they are all built alike). */
  public Router router() {
    return servers.router();
  }

  /** This node's id, as it says it lives in node_heartbeat. */
  public String nodeId() {
    return nodeId;
  }

  public WebSocketGateway gateway() {
    return gateway;
  }

  /** How many HTTP servers (event loops) serve this node. */
  public int eventLoops() {
    return servers.count();
  }

  public Platform platform() {
    return platform;
  }

  /** Stops accepting, lets in-flight requests finish (up to the grace period), closes the pool. */
  public Future<Void> stop() {
    if (jobTimer >= 0) {
      platform.vertx().cancelTimer(jobTimer);
    }
    if (databaseWatch != null) {
      databaseWatch.stop();
    }
    if (gateway != null) {
      gateway.stop();
    }
    Future<Void> closing = servers == null ? Future.succeededFuture() : servers.stop();
    return closing
        .eventually(() -> listener == null ? Future.succeededFuture() : listener.stop())
        .eventually(() -> presence == null ? Future.succeededFuture() : presence.leave())
        .eventually(() -> pushAudit == null ? Future.succeededFuture() : pushAudit.stop())
        .eventually(() -> platform.pool().close());
  }
}
