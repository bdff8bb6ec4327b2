package fr.cantou.platform.http;

import fr.cantou.platform.secrets.Secrets;
import fr.cantou.platform.json.Json;
import io.vertx.core.Future;

import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * An Idempotency-Key as a creating POST uses it (a message, a set of vital signs, a place on a
 * waiting list): the key, as its store keeps it with what it made, and the fingerprint of the
 * request it came with. A page sends a request again with its key when the answer was lost (the
 * 30-second deadline of api.js): the same request is answered with what the first made, nothing
 * written twice; another request under the same key is refused (422), never answered with the first.
 */
public record Idempotent(String key, byte[] fingerprint) {

  /** What a key made earlier: the id of the row, and the fingerprint of the request that made it. */
  public record Made<I>(I id, byte[] fingerprint) {}

  /** The key sent with {@code request} (what makes two requests the same; encoded as JSON), or null when none was sent. */
  public static Idempotent of(String key, Object request) {
    return key == null ? null : new Idempotent(key, Secrets.sha256(Json.encode(request).toString()));
  }

  /**
   * The key as sent by those of {@code scope} (an account's id, "anonymous"), which its store keeps as one column: a
   * key learnt from another scope finds nothing there.
   */
  public static Idempotent scoped(String scope, String key, Object request) {
    return key == null ? null : new Idempotent(scope + "|" + key, Secrets.sha256(scope + "\n" + Json.encode(request)));
  }

  /** Whether the earlier use of this key was this very request. */
  public boolean madeBy(byte[] earlier) {
    return earlier != null && MessageDigest.isEqual(earlier, fingerprint);
  }

  /**
   * {@code write} once under {@code sent}: a request sent again is answered by {@code answer} from what its first
   * sending made (found by {@code earlier}), or refused with {@code reused} when the key made another request. Two
   * sent at once meet at the store's unique index: the one refused there ({@code keyUsed}) answers as a retry.
   */
  public static <I, T> Future<T> once(Idempotent sent, Supplier<Future<Optional<Made<I>>>> earlier,
                                      Function<I, Future<T>> answer, Supplier<Future<T>> write, Predicate<Throwable> keyUsed,
                                      ApiException reused) {
    if (sent == null) {
      return write.get();
    }
    Function<Made<I>, Future<T>> replayed = made -> sent.madeBy(made.fingerprint()) ? answer.apply(made.id())
        : Future.failedFuture(reused);
    return earlier.get().compose(found -> found.isPresent() ? replayed.apply(found.get())
        : write.get().recover(e -> keyUsed.test(e)
            ? earlier.get().compose(first -> first.isPresent() ? replayed.apply(first.get()) : Future.failedFuture(e))
            : Future.failedFuture(e)));
  }

}
