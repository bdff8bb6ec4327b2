package fr.cantou.identity;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Argon2id in PHC string form. Hashing costs tens of milliseconds of CPU on purpose, so it
 * runs on the worker pool, never on an event loop.
 */
public final class PasswordHasher {
  public static final int MIN_LENGTH = 10;

  private final Vertx vertx;
  private final Argon2Function function;
  /** Checked when the e-mail is unknown, so that a miss costs as long as a wrong password. */
  private final String decoy;

  public PasswordHasher(Vertx vertx, int memoryKib, int iterations) {
    this.vertx = vertx;
    this.function = Argon2Function.getInstance(memoryKib, iterations, 1, 32, Argon2.ID, Argon2Function.ARGON2_VERSION_13);
    this.decoy = Password.hash("decoy-password-never-used").addRandomSalt(16).with(function).getResult();
  }

  public Future<String> hash(String password) {
    return vertx.executeBlocking(() -> Password.hash(password).addRandomSalt(16).with(function).getResult(), false);
  }

  /** True when the password matches; {@code hash} null means "no such user" and always answers false. */
  public Future<Boolean> verify(String password, String hash) {
    String stored = hash == null ? decoy : hash;
    return vertx.executeBlocking(() -> {
      boolean matches = Password.check(password, stored).with(Argon2Function.getInstanceFromHash(stored));
      return matches && hash != null;
    }, false);
  }
}
