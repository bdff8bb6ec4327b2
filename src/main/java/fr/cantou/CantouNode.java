package fr.cantou;

import fr.cantou.audit.AuditModule;
import fr.cantou.demo.DemoTerritory;
import fr.cantou.identity.IdentityModule;
import fr.cantou.notify.Senders;
import fr.cantou.platform.CantouModule;
import fr.cantou.platform.Futures;
import fr.cantou.platform.Jobs;
import fr.cantou.platform.Platform;
import fr.cantou.platform.RateLimits;
import fr.cantou.platform.config.CantouConfig;
import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.platform.db.DatabaseWatch;
import fr.cantou.platform.db.FirstConnection;
import fr.cantou.platform.db.SettingStore;
import fr.cantou.platform.http.ClientAddress;
import fr.cantou.platform.http.HttpServers;
import fr.cantou.platform.metrics.NodeMetrics;
import fr.cantou.privacy.PrivacyModule;
import fr.cantou.realtime.AccountEventsOutbox;
import fr.cantou.realtime.CountedPushes;
import fr.cantou.realtime.EventListener;
import fr.cantou.realtime.EventOutbox;
import fr.cantou.realtime.EventRecord;
import fr.cantou.realtime.EventRetention;
import fr.cantou.realtime.EventStore;
import fr.cantou.realtime.LiveModule;
import fr.cantou.realtime.PushObserver;
import fr.cantou.realtime.WebSocketGateway;
import fr.cantou.rooms.JitsiRooms;
import fr.cantou.stats.StatsModule;
import fr.cantou.teleconsult.TeleconsultConfig;
import fr.cantou.teleconsult.TeleconsultModule;
import fr.cantou.visio.VisioConfig;
import fr.cantou.visio.VisioModule;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.ext.web.Router;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * One server node: its pool, the list of its features' modules, one API router and one job
 * scheduler (its router is drawn by {@link NodeRouter}). Any number of nodes can run on one
 * database; they share nothing else.
 */
public final class CantouNode {
  private static final Logger LOG = LoggerFactory.getLogger(CantouNode.class);

  /** How often each node runs the jobs (announcements, timeouts, escalation, presence, mails, retention). */
  private static final long JOB_PERIOD_MS = 5_000;

  private final Platform platform;
  private final DatabaseEndpoint database;
  private final String nodeId = UUID.randomUUID().toString();
  private HttpServers servers;
  private EventListener listener;
  private WebSocketGateway gateway;
  /** The features, each wired by its module, in the order their routes and jobs are taken. */
  private List<CantouModule> modules = List.of();
  private TeleconsultModule teleconsult;
  private VisioModule visio;
  private Jobs jobs;
  private RateLimits rateLimits;
  private DatabaseWatch databaseWatch;

  private CantouNode(Platform platform, DatabaseEndpoint database) {
    this.platform = platform;
    this.database = database;
  }

  /** Reads every feature's settings, so that a bad value stops start-up at once with one line naming its key. */
  public static void checkSettings(CantouConfig config) {
    TeleconsultConfig.from(config.settings());
    VisioConfig.from(config.settings());
    fr.cantou.notify.SmsConfig.from(config.settings());
  }

  /** Migrations must have run before; {@code vertx} was made by {@code metrics} (so that it reports there). */
  public static Future<CantouNode> start(Vertx vertx, CantouConfig config, DatabaseEndpoint database, Clock clock,
                                         NodeMetrics metrics) {
    Pool pool = PgBuilder.pool()
        // A connection lives 30 minutes at most: a statement it keeps prepared that reads "t.*" fails once a rolling
        // upgrade adds a column ("cached plan must not change result type"); the client forgets it only when the
        // server says so in English, so on a server speaking another language it would fail until the node restarts.
        .with(new PoolOptions().setMaxSize(config.database().poolSize()).setName("cantou-pool").setShared(false)
            .setConnectionTimeout(3).setConnectionTimeoutUnit(TimeUnit.SECONDS).setMaxWaitQueueSize(1_000)
            .setMaxLifetime(30).setMaxLifetimeUnit(TimeUnit.MINUTES))
        .with(new NetClientOptions().setConnectTimeout(2_000))
        .connectingTo(database.connectOptions())
        .using(vertx)
        .build();
    CantouNode node = new CantouNode(new Platform(vertx, pool, config, clock, metrics), database);
    return FirstConnection.within(vertx, pool, Duration.ofSeconds(60)).compose(v -> node.boot())
        .recover(e -> pool.close().transform(v -> Future.failedFuture(e)));
  }

  private Future<CantouNode> boot() {
    CantouConfig config = platform.config();
    StartPhases phases = new StartPhases();
    Future<String> manageKey = generatedKey("visio.manageKey", "");
    return generatedKey("auth.jwtKey", config.auth().jwtKey()).compose(jwtKey -> manageKey.compose(visioKey -> {
      phases.done("keys");
      ClientAddress addresses = new ClientAddress(config.http().trustedProxies());
      rateLimits = new RateLimits(platform);
      EventStore events = new EventStore();
      EventOutbox outbox = new EventOutbox();
      JitsiRooms rooms = new JitsiRooms(platform.vertx(), config.jitsi());
      Senders senders = Senders.of(platform.vertx(), config);

      // The features, each wired by its module; an account's mails go through visio's queue of messages.
      IdentityModule identity = new IdentityModule(platform, jwtKey, new AccountEventsOutbox(outbox), VisioModule.accountMails(), addresses, rateLimits);
      teleconsult = new TeleconsultModule(platform, outbox, rooms, nodeId, senders);
      visio = new VisioModule(platform, outbox, rooms, visioKey, addresses, rateLimits, senders);
      modules = List.of(identity, teleconsult, visio, new StatsModule(platform),
          new PrivacyModule(platform, PersonalDataOfFlows.citizens(visio.citizenData, visio.waitingData),
              PersonalDataOfFlows.patients(teleconsult.patientData), addresses),
          new AuditModule(platform));
      List<LiveModule> live = modules.stream().filter(LiveModule.class::isInstance).map(LiveModule.class::cast).toList();

      // The one job scheduler: every module's jobs, and the foundations' own.
      EventRetention retention = new EventRetention(platform.pool(), events, platform.clock(),
          config.realtime().eventRetention());
      jobs = new Jobs(platform, Stream.concat(all(modules, CantouModule::jobs).stream(), Stream.of(
          new Jobs.Job("event_retention", retention::run),
          new Jobs.Job("rate_limits", () -> rateLimits.forgetOld(Duration.ofDays(1))))).toList());

      // Real time: the features' parts of the socket, and who hears each event of the outbox.
      gateway = new WebSocketGateway(platform, identity.authenticator, addresses, events,
          all(live, LiveModule::snapshots), all(live, LiveModule::replayChecks), all(live, LiveModule::resolvers),
          all(live, LiveModule::messageHandlers),
          all(live, LiveModule::connectionObservers),
          new CountedPushes(PushObserver.all(all(live, LiveModule::pushObservers)), platform.metrics()));
      platform.metrics().webSocketConnections(gateway::connected);
      List<Consumer<EventRecord>> followers = new ArrayList<>();
      followers.add(gateway::dispatch);
      followers.addAll(all(live, LiveModule::eventFollowers));
      List<Runnable> forgetters = new ArrayList<>();
      forgetters.add(gateway::databaseReplaced);
      forgetters.addAll(all(live, LiveModule::forgetters));
      listener = new EventListener(platform.vertx(), platform.pool(), database.connectOptions(), events, outbox, nodeId,
          List.copyOf(followers), List.copyOf(forgetters), config.realtime().safetyNet());
      EventListener following = listener;
      databaseWatch = new DatabaseWatch(platform.vertx(), platform.pool(), List.of(gateway::databaseAnswers, up -> {
        if (up) {
          following.readNow();
        }
      }));
      phases.done("modulesBuilt");
      return phases.done("bootstrap", bootstrap(identity))
          .compose(v -> phases.done("listener", listener.start()))
          .compose(v -> phases.done("modules", Futures.sequence(modules, CantouModule::start)))
          .compose(v -> phases.done("servers", listen(() -> NodeRouter.build(platform, identity.authenticator, gateway, modules))))
          .onSuccess(v -> {
            LOG.info("event=node_started {}", phases);
            gateway.start();
            databaseWatch.start();
            jobs.start(JOB_PERIOD_MS);
            rateLimits.start();
          });
    })).map(this);
  }

  /** What each of {@code modules} hands over, in the modules' order. */
  static <M, T> List<T> all(List<M> modules, Function<M, List<T>> part) {
    return modules.stream().flatMap(m -> part.apply(m).stream()).toList();
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

  private Future<Void> bootstrap(IdentityModule identity) {
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
    return admin.compose(v -> new DemoTerritory(platform, identity.service, List.of(visio::loadDemo, teleconsult::loadDemo))
            .loadOnce(config.demo().password()))
        .onSuccess(loaded -> LOG.info("event=demo_territory loaded={}", loaded))
        .mapEmpty();
  }

  /** One server per event loop (http.eventLoops, one per core by default), each with its own router. */
  private Future<Void> listen(Supplier<Future<Router>> routers) {
    CantouConfig.Http http = platform.config().http();
    servers = new HttpServers(platform.vertx());
    return servers.start(http.eventLoops(), HttpServers.options(http), routers, http.shutdownGrace());
  }

  /** Runs every job now (tests move their clock, then call this). */
  public Future<Void> runJobs() {
    return jobs.runAll();
  }

  /**
   * No job runs on its timer any more, only through {@link #runJobs()}: for a test that counts what one run does (a
   * timer's run, due one period after the start, comes within a slow machine's set-up).
   */
  public void stopJobTimers() {
    jobs.stop();
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

  /** The outbox's listener of this node (null before it started). */
  public EventListener listener() {
    return listener;
  }

  public WebSocketGateway gateway() {
    return gateway;
  }

  /** The teleconsultations' module (tests reach its service's seams through it). */
  public TeleconsultModule teleconsult() {
    return teleconsult;
  }

  /** The visio-accueil module (tests reach its seams through it). */
  public VisioModule visio() {
    return visio;
  }

  /** How many HTTP servers (event loops) serve this node. */
  public int eventLoops() {
    return servers.count();
  }

  public Platform platform() {
    return platform;
  }

  /** The node's rate limits (tests read what its stop dropped). */
  public RateLimits rateLimits() {
    return rateLimits;
  }

  /** Stops accepting, lets in-flight requests finish (up to the grace period), closes the pool. */
  public Future<Void> stop() {
    // Each only if made: a node whose start failed half-way is stopped too.
    java.util.Optional.ofNullable(jobs).ifPresent(Jobs::stop);
    java.util.Optional.ofNullable(databaseWatch).ifPresent(DatabaseWatch::stop);
    java.util.Optional.ofNullable(gateway).ifPresent(WebSocketGateway::stop);
    return stopping("servers", () -> servers == null ? Future.<Void>succeededFuture() : servers.stop())
        .eventually(() -> stopping("listener", () -> listener == null ? Future.succeededFuture() : listener.stop()))
        .eventually(() -> stopping("modules", () -> Futures.sequence(modules, CantouModule::stop)))
        // Uses of the limits counted in memory a moment before they are written: written now, their timer stopped.
        .eventually(() -> stopping("rate_limits", () -> rateLimits == null ? Future.succeededFuture() : rateLimits.stop()))
        .eventually(() -> stopping("pool", () -> platform.pool().close()));
  }

  /** One step of the stop, named in the log as it begins: a stop that never ends says where it waits. */
  private static <T> Future<T> stopping(String step, java.util.function.Supplier<Future<T>> doing) {
    LOG.info("event=node_stopping step={}", step);
    return doing.get();
  }
}
