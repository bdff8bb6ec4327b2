package fr.cantou.identity;

import fr.cantou.platform.CantouModule;
import fr.cantou.platform.Jobs;
import fr.cantou.platform.Platform;
import fr.cantou.platform.RateLimits;
import fr.cantou.platform.http.ApiModule;
import fr.cantou.platform.http.ClientAddress;
import io.vertx.core.Future;

import java.util.List;

/** Everything identity needs on a node, built once: sign-in, tokens, the authenticator, the admin's routes. */
public final class IdentityModule implements CantouModule {
  public final IdentityService service;
  private final AuthService auth;
  public final Authenticator authenticator;
  private final IdentityRoutes routes;
  private final AdminCreations creationKeys;
  private final PasswordResets resets;
  private final AccountMailRetention accountMails;

  /**
   * {@code jwtKey}: configured, or generated at the first start and kept in the database. {@code mails}: where an
   * account's mails are queued. {@code limits}: the node's counters of requests without an account (password links).
   */
  public IdentityModule(Platform platform, String jwtKey, AccountEvents events, AccountMails mails, ClientAddress addresses,
                        RateLimits limits) {
    var settings = platform.config().auth();
    IdentityStore store = new IdentityStore();
    RefreshTokenStore refreshTokens = new RefreshTokenStore();
    PasswordHasher hasher = new PasswordHasher(platform.vertx(), settings.argon2MemoryKib(), settings.argon2Iterations(),
        settings.maxConcurrentHashes(), settings.hashQueue());
    TokenService tokens = new TokenService(platform.vertx(), jwtKey, settings.accessTokenLifetime());
    this.auth = new AuthService(platform, store, refreshTokens, hasher, tokens, events, mails);
    this.authenticator = new Authenticator(tokens, store, platform.pool(), addresses);
    this.resets = new PasswordResets(platform, store, hasher, auth, mails, limits);
    this.service = new IdentityService(platform, store, refreshTokens, hasher, events, resets);
    this.routes = new IdentityRoutes(auth, service, resets, addresses);
    this.creationKeys = new AdminCreations(platform);
    this.accountMails = new AccountMailRetention(platform, mails);
  }

  @Override
  public List<ApiModule> routes() {
    return List.of(routes);
  }

  @Override
  public List<Jobs.Job> jobs() {
    return List.of(new Jobs.Job("login_attempts", auth::forgetOldAttempts),
        new Jobs.Job("admin_creation_keys", creationKeys::forgetOld),
        new Jobs.Job("password_link_retention", resets::purge),
        new Jobs.Job("account_mail_retention", accountMails::run));
  }

  /** The first admin, from the configuration, when none exists yet. */
  public Future<Boolean> bootstrapAdmin(String email, String password) {
    return service.bootstrapAdmin(email, password);
  }
}
