package fr.cantou.identity;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import fr.cantou.platform.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Argon2id in PHC string form. Hashing costs tens of milliseconds of CPU and megabytes of memory
 * on purpose, so it runs on its own small pool (never an event loop), a few at a time, with a
 * bounded queue: a flood of sign-ins is answered 503 at once instead of starving the node.
 */
public final class PasswordHasher {
  public static final int MIN_LENGTH = 10;
  /** The longest password an account may have (the sign-in's schema bounds what is typed there alike). */
  static final int MAX_LENGTH = 200;

  /** A new password out of the rules of an account's creation (its length), as the 422 that names it; else empty. */
  static java.util.Optional<ApiException> refusedNew(String chosen) {
    if (chosen.length() < MIN_LENGTH) {
      return java.util.Optional.of(new ApiException(422, "Invalid field 'newPassword': at least {0} characters.", MIN_LENGTH));
    }
    if (chosen.length() > MAX_LENGTH) {
      return java.util.Optional.of(new ApiException(422, "Invalid field 'newPassword': at most {0} characters.", MAX_LENGTH));
    }
    return java.util.Optional.empty();
  }

  private final WorkerExecutor workers;
  private final Argon2Function function;
  /**
   * Checked when the e-mail is unknown, so that a miss costs as long as a wrong password. Made on
   * the hashing pool when the node starts: a hash on the event loop blocked the node's start
   * (a second or more on a cold JVM with the production cost).
   */
  private final Future<String> decoy;
  private final int maxWaiting;
  private final AtomicInteger waiting = new AtomicInteger();

  public PasswordHasher(Vertx vertx, int memoryKib, int iterations, int concurrent, int queue) {
    this.workers = vertx.createSharedWorkerExecutor("cantou-password-hashing", concurrent);
    this.maxWaiting = concurrent + queue;
    this.function = Argon2Function.getInstance(memoryKib, iterations, 1, 32, Argon2.ID, Argon2Function.ARGON2_VERSION_13);
    this.decoy = workers.executeBlocking(() -> Password.hash("decoy-password-never-used").addRandomSalt(16).with(function)
        .getResult(), false);
  }

  /** The decoy's hash, once made (tests check where). */
  Future<String> decoy() {
    return decoy;
  }

  public Future<String> hash(String password) {
    return bounded(() -> Password.hash(password).addRandomSalt(16).with(function).getResult());
  }

  /** True when the password matches; {@code hash} null means "no such user" and always answers false. */
  public Future<Boolean> verify(String password, String hash) {
    Future<String> stored = hash == null ? decoy : Future.succeededFuture(hash);
    return stored.compose(checked -> bounded(() -> {
      boolean matches = Password.check(password, checked).with(Argon2Function.getInstanceFromHash(checked));
      return matches && hash != null;
    }));
  }

  private <T> Future<T> bounded(Callable<T> work) {
    if (waiting.incrementAndGet() > maxWaiting) {
      waiting.decrementAndGet();
      return Future.failedFuture(new ApiException(503, "Too many sign-ins at once; please try again in a moment.").retryAfter(1));
    }
    return workers.executeBlocking(work, false).onComplete(ar -> waiting.decrementAndGet());
  }
}
