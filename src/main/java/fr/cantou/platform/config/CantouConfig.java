package fr.cantou.platform.config;

import io.vertx.pgclient.PgConnectOptions;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Set;

/**
 * The platform's settings of a node, validated once at start-up. Each feature's own settings
 * (teleconsult.*, visio.*) are read by the feature from {@link #settings()} into its own record,
 * checked at start-up too (CantouNode.checkSettings).
 */
public record CantouConfig(
    Http http,
    Database database,
    Auth auth,
    Jitsi jitsi,
    Smtp smtp,
    Admin admin,
    Demo demo,
    ZoneId defaultTimeZone,
    Realtime realtime,
    Metrics metrics,
    Log log,
    Site site,
    Settings settings) {

  /**
   * {@code eventLoops}: HTTP and WebSocket server instances sharing the port, one per event loop. {@code bodyGrace},
   * {@code bodyMinBytesPerSecond}: how slowly a file's body may come before it is cut (408; platform.http.BodyPace).
   */
  public record Http(String host, int port, URI publicUrl, int bodyLimitBytes, Duration shutdownGrace, String webRoot,
                     int eventLoops, Duration idleTimeout, java.util.List<String> trustedProxies, int sendBufferBytes,
                     Duration bodyGrace, int bodyMinBytesPerSecond) {}

  /** {@code url} empty means: start the embedded PostgreSQL in {@code embeddedDataDir}, waiting up to {@code embeddedStartTimeout}. */
  public record Database(String url, int poolSize, String embeddedDataDir, int embeddedPort, Duration embeddedStartTimeout) {
    public boolean embedded() {
      return url.isEmpty();
    }
  }

  /** {@code jwtKey} empty means: generate one and keep it in the database. */
  public record Auth(String jwtKey, Duration accessTokenLifetime, Duration refreshTokenLifetime,
                     int argon2MemoryKib, int argon2Iterations, int maxFailedLogins,
                     int maxFailedLoginsPerAddress, int maxFailedLoginsPerNetwork, int maxConcurrentHashes, int hashQueue, int signInLinesPerMinute,
                     int passwordResetsPerAddress, int passwordResetsPerNetwork, Duration passwordLinksKept) {}

  public record Jitsi(String domain, String appId, String appSecret, String audience, String scheme) {
    public boolean signsTokens() {
      return !appSecret.isEmpty();
    }

    /** Where the pages load external_api.js from, and the only origin allowed to frame the call. */
    public String origin() {
      return scheme + "://" + domain;
    }
  }

  /** {@code timeout}: a server silent this long has failed the attempt (its connection closed). */
  public record Smtp(String host, int port, String from, String username, String password, String starttls,
                     Duration timeout) {
    public boolean configured() {
      return !host.isEmpty();
    }
  }

  public record Admin(String email, String password) {
    public boolean requested() {
      return !email.isEmpty() && !password.isEmpty();
    }
  }

  /** {@code activity}: with the territory, its past three months and today's bookings and requests. */
  public record Demo(boolean enabled, String password, boolean activity) {}

  /** {@code directWrites}: each socket writes straight to its channel ({@code StrictWebSocketWrites}), or keeps Vert.x's queue. */
  public record Realtime(Duration heartbeat, int maxReplayEvents, int maxQueuedFrames, int maxQueuedBytes,
                         Duration eventRetention, Duration safetyNet, boolean directWrites) {}


  /** {@code token} empty: the figures are collected (when enabled) but /metrics is not served. */
  public record Metrics(boolean enabled, String token) {
    public boolean served() {
      return enabled && !token.isEmpty();
    }
  }

  /**
   * Who runs this deployment, shown in every page's header and footer: the operator's name, its logo (a path on this
   * server or a data: URL, the only images the pages' Content-Security-Policy allows; empty: none), the help contact.
   */
  public record Site(String operatorName, String logoUrl, String helpEmail, String helpPhone) {}

  /** {@code format}: text (one key=value line per event) or json (one JSON object per line). */
  public record Log(String format) {
    public boolean json() {
      return "json".equals(format);
    }
  }

  public static CantouConfig load(Map<String, String> env) {
    return from(ConfigSource.load(env));
  }

  /** 0 (the kernel's) or a size the kernel takes as asked: it refuses less than about 4 KiB. */
  private static int sendBufferBytes(Settings s) {
    int bytes = s.intIn("http.sendBufferBytes", 0, 64 * 1024 * 1024);
    if (bytes != 0 && bytes < 4096) {
      throw s.invalid("http.sendBufferBytes", "must be 0 (the kernel's) or at least 4096", Integer.toString(bytes));
    }
    return bytes;
  }

  /** IP addresses, one by one (no ranges, no names: they would silently match nothing). */
  private static java.util.List<String> trustedProxies(Settings s) {
    String value = s.text("http.trustedProxies");
    java.util.List<String> all = java.util.Arrays.stream(value.split(",")).map(String::trim).filter(a -> !a.isEmpty()).toList();
    for (String address : all) {
      if (!address.matches("[0-9A-Fa-f:.]{2,45}") || !(address.contains(".") || address.contains(":"))) {
        throw s.invalid("http.trustedProxies", "must be IP addresses separated by commas (no ranges, no names)", value);
      }
    }
    return all;
  }

  /** 0 means one per core. */
  private static int perCore(int configured) {
    return configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
  }

  static CantouConfig from(ConfigSource source) {
    Settings s = new Settings(source);
    Http http = new Http(
        s.requiredText("http.host"),
        s.intIn("http.port", 0, 65535),
        s.httpUrl("http.publicUrl"),
        s.intIn("http.bodyLimitBytes", 1024, 64 * 1024 * 1024),
        Duration.ofSeconds(s.intIn("http.shutdownGraceSeconds", 0, 600)),
        s.requiredText("http.webRoot"),
        perCore(s.intIn("http.eventLoops", 0, 1024)),
        Duration.ofSeconds(s.intIn("http.idleTimeoutSeconds", 1, 3600)),
        trustedProxies(s),
        sendBufferBytes(s),
        Duration.ofSeconds(s.intIn("http.bodyGraceSeconds", 1, 3600)),
        s.intIn("http.bodyMinBytesPerSecond", 1, 10 * 1024 * 1024));
    Database database = new Database(
        databaseUrl(s),
        s.intIn("database.poolSize", 1, 500),
        s.requiredText("database.embeddedDataDir"),
        s.intIn("database.embeddedPort", 0, 65535),
        Duration.ofSeconds(s.intIn("database.embeddedStartSeconds", 1, 3600)));
    String jwtKey = s.text("auth.jwtKey");
    if (!jwtKey.isEmpty() && jwtKey.getBytes(StandardCharsets.UTF_8).length < 32) {
      throw s.invalid("auth.jwtKey", "must be at least 32 characters long (HS256)", jwtKey);
    }
    int accessTokenSeconds = s.intIn("auth.accessTokenSeconds", 0, 24 * 3600);
    Auth auth = new Auth(jwtKey,
        accessTokenSeconds > 0 ? Duration.ofSeconds(accessTokenSeconds)
            : Duration.ofMinutes(s.intIn("auth.accessTokenMinutes", 1, 24 * 60)),
        Duration.ofDays(s.intIn("auth.refreshTokenDays", 1, 365)),
        s.intIn("auth.argon2MemoryKib", 1024, 1024 * 1024),
        s.intIn("auth.argon2Iterations", 1, 20),
        s.intIn("auth.maxFailedLogins", 1, 1000),
        s.intIn("auth.maxFailedLoginsPerAddress", 1, 100_000),
        s.intIn("auth.maxFailedLoginsPerNetwork", 1, 100_000),
        perCore(s.intIn("auth.maxConcurrentHashes", 0, 1024)),
        s.intIn("auth.hashQueue", 0, 10_000),
        s.intIn("auth.signInLinesPerMinute", 1, 1_000_000),
        s.intIn("auth.passwordResetsPerAddress", 1, 100_000),
        s.intIn("auth.passwordResetsPerNetwork", 1, 100_000),
        Duration.ofDays(s.intIn("auth.passwordLinkRetentionDays", 1, 3650)));
    String jitsiSecret = s.text("jitsi.appSecret");
    if (!jitsiSecret.isEmpty() && jitsiSecret.getBytes(StandardCharsets.UTF_8).length < 32) {
      throw s.invalid("jitsi.appSecret", "must be at least 32 characters long (HS256)", jitsiSecret);
    }
    Jitsi jitsi = new Jitsi(
        s.requiredText("jitsi.domain").toLowerCase(java.util.Locale.ROOT),
        s.requiredText("jitsi.appId"),
        jitsiSecret,
        s.requiredText("jitsi.audience"),
        s.oneOf("jitsi.scheme", Set.of("https", "http")));
    Smtp smtp = new Smtp(
        s.text("smtp.host"),
        s.intIn("smtp.port", 1, 65535),
        s.requiredText("smtp.from"),
        s.text("smtp.username"),
        s.text("smtp.password"),
        s.oneOf("smtp.starttls", Set.of("disabled", "optional", "required")),
        Duration.ofSeconds(s.intIn("smtp.timeoutSeconds", 1, 60)));
    Admin admin = new Admin(s.text("admin.email"), s.text("admin.password"));
    if (admin.email().isEmpty() != admin.password().isEmpty()) {
      throw s.invalid(admin.email().isEmpty() ? "admin.email" : "admin.password",
          "must be set together with " + (admin.email().isEmpty() ? "admin.password" : "admin.email"), "");
    }
    if (!admin.password().isEmpty() && admin.password().length() < 10) {
      throw s.invalid("admin.password", "must be at least 10 characters long", admin.password());
    }
    Demo demo = new Demo(s.bool("demo"), s.text("demoPassword"), s.bool("demoActivity"));
    if (demo.enabled() && demo.password().length() < 8) {
      throw s.invalid("demoPassword", "must be at least 8 characters long when demo is true", demo.password());
    }
    String metricsToken = s.text("metrics.token");
    if (!metricsToken.isEmpty() && metricsToken.getBytes(StandardCharsets.UTF_8).length < 32) {
      throw s.invalid("metrics.token", "must be at least 32 characters long", metricsToken);
    }
    int heartbeat = s.intIn("realtime.heartbeatSeconds", 1, 600);
    if (heartbeat >= http.idleTimeout().toSeconds()) {
      // A socket is idle between heartbeats: the connection's idle timeout would cut every quiet one.
      throw s.invalid("realtime.heartbeatSeconds", "must be shorter than http.idleTimeoutSeconds ("
          + http.idleTimeout().toSeconds() + ")", Integer.toString(heartbeat));
    }
    return new CantouConfig(http, database, auth, jitsi, smtp, admin, demo,
        s.zone("organisation.defaultTimeZone"),
        new Realtime(
            Duration.ofSeconds(heartbeat),
            s.intIn("realtime.maxReplayEvents", 0, 1_000_000),
            s.intIn("realtime.maxQueuedFrames", 128, 1_000_000),
            s.intIn("realtime.maxQueuedBytes", 65_536, 1_073_741_824),
            Duration.ofDays(s.intIn("realtime.eventRetentionDays", 1, 3650)),
            Duration.ofSeconds(s.intIn("realtime.safetyNetSeconds", 1, 3600)),
            s.bool("realtime.directWrites")),
        new Metrics(s.bool("metrics.enabled"), metricsToken),
        new Log(s.oneOf("log.format", Set.of("text", "json"))),
        site(s),
        s);
  }

  private static Site site(Settings s) {
    String logo = s.text("site.logoUrl");
    if (!logo.isEmpty() && !(logo.startsWith("data:image/") || (logo.startsWith("/") && !logo.startsWith("//")))) {
      throw s.invalid("site.logoUrl", "must be a path on this server (/img/logo.svg) or a data:image/ URL", logo);
    }
    return new Site(s.requiredText("site.operatorName"), logo, s.text("site.helpEmail"), s.text("site.helpPhone"));
  }

  private static String databaseUrl(Settings s) {
    String url = s.text("database.url");
    if (url.isEmpty()) {
      return url;
    }
    try {
      PgConnectOptions.fromUri(url);
    } catch (RuntimeException e) {
      throw s.invalid("database.url", "must look like postgresql://user:password@host:5432/database", "(hidden)");
    }
    if (!url.startsWith("postgresql://") && !url.startsWith("postgres://")) {
      throw s.invalid("database.url", "must look like postgresql://user:password@host:5432/database", "(hidden)");
    }
    return url;
  }

  /** A copy with other values, for tests and for the embedded database's chosen port. */
  public CantouConfig withHttp(Http other) {
    return new CantouConfig(other, database, auth, jitsi, smtp, admin, demo, defaultTimeZone, realtime, metrics, log, site, settings);
  }

  public CantouConfig withDatabase(Database other) {
    return new CantouConfig(http, other, auth, jitsi, smtp, admin, demo, defaultTimeZone, realtime, metrics, log, site, settings);
  }
}
