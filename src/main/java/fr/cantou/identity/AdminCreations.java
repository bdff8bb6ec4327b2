package fr.cantou.identity;

import fr.cantou.platform.Platform;
import fr.cantou.platform.db.DatabaseErrors.Refused;
import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.Idempotent;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * An admin's creation (an account, an organisation, a specialty, a service, a point) sent again with its
 * Idempotency-Key, its answer lost: answered with what the first made (201, the same thing), never "already exists"
 * (409), which made her believe it failed. The key is the admin's; its row is written in the creation's transaction
 * (V93), and forgotten {@link #KEPT} later ({@link #forgetOld}): a page sends again within seconds, and the row
 * keeps a hash of the request (an account's name and address among it). Without a key, a creation is written as
 * before.
 */
public final class AdminCreations {
  private static final ApiException KEY_REUSED = new ApiException(422, "This Idempotency-Key was used for another "
      + "creation; send a new key with a new one.");

  /** How long a creation's key answers its retries: far past a page's sends again, short for what its row holds. */
  static final Duration KEPT = Duration.ofDays(1);

  private final Platform platform;
  private final AdminCreationStore store = new AdminCreationStore();

  public AdminCreations(Platform platform) {
    this.platform = platform;
  }

  /**
   * The id (or code) of what {@code write} made in its transaction, once under {@code key}: {@code request} is what
   * makes two requests of this {@code kind} the same (never a password: no unsalted hash of one is kept). A creation
   * refused as already there ({@code exists}, a retry sent at once that met the first's row) is answered as a retry
   * when the key made it.
   */
  public Future<String> once(Principal admin, String key, String kind, Object request, Function<SqlClient, Future<String>> write,
                             Predicate<Throwable> exists) {
    Idempotent sent = admin == null ? null : Idempotent.of(key, Arrays.asList(kind, request));
    if (sent == null) {
      return platform.pool().withTransaction(write::apply);
    }
    return Idempotent.once(sent, () -> store.made(platform.pool(), admin.userId(), key), Future::succeededFuture,
        () -> platform.pool().withTransaction(tx -> write.apply(tx)
            .compose(made -> store.keep(tx, admin.userId(), sent, kind, made, platform.clock().instant()).map(made))),
        e -> Refused.is(e, AdminCreationStore.Refusal.KEY_USED) || exists.test(e), KEY_REUSED);
  }

  /** The keys older than {@link #KEPT} go (a job); a creation sent again after that is a new one (409 if it exists). */
  public Future<Integer> forgetOld() {
    return store.forgetBefore(platform.pool(), platform.clock().instant().minus(KEPT));
  }
}
