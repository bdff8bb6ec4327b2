package fr.cantou.identity;

import fr.cantou.platform.Platform;
import fr.cantou.platform.config.CantouConfig;
import fr.cantou.platform.http.ApiException;
import io.vertx.core.Future;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Who may try a password now. Three counters per attempt, counted before the password is
 * checked: the account from this address (the owner's own mistakes, or a guesser there), the
 * account from everywhere (a guesser spread over many addresses), and the address whatever the
 * account (random e-mails, each costing a hash). Past a limit, a short block (2 s), then one
 * more try and a block twice as long, and so on: an attacker elsewhere does not lock the owner
 * out, and the owner's own typos cost her seconds, not 15 minutes.
 */
final class LoginThrottle {
  static final Duration WINDOW = Duration.ofMinutes(15);

  private final Platform platform;
  private final LoginThrottleStore store;

  LoginThrottle(Platform platform, LoginThrottleStore store) {
    this.platform = platform;
    this.store = store;
  }

  private record Keys(List<String> all, List<Integer> limits, List<String> account, String address) {}

  private Keys keys(String email, String address) {
    CantouConfig.Auth auth = platform.config().auth();
    // Sorted: every attempt locks its counters in the same order.
    String accountFromAddress = "account-from:" + email + "|" + address;
    String account = "account:" + email;
    String from = "address:" + address;
    return new Keys(List.of(accountFromAddress, account, from),
        List.of(auth.maxFailedLogins(), auth.maxFailedLoginsPerAccount(), auth.maxFailedLoginsPerAddress()),
        List.of(accountFromAddress, account), from);
  }

  /** Counts this attempt; fails with 429 and when to try again when any counter is over. */
  Future<Void> admit(String email, String address) {
    Keys keys = keys(email, address);
    Instant now = platform.clock().instant();
    return store.count(platform.pool(), keys.all(), keys.limits(), now, now.minus(WINDOW)).compose(counted -> {
      boolean admitted = counted.size() == keys.all().size()
          && counted.values().stream().allMatch(LoginThrottleStore.Counted::admitted);
      if (admitted) {
        return Future.succeededFuture();
      }
      return store.blockedUntil(platform.pool(), keys.all()).compose(until -> Future.failedFuture(
          ApiException.tooManyRequests("Too many sign-in attempts; please wait a moment before trying again.")
              .retryAfter((Duration.between(now, until).toMillis() + 999) / 1000)));
    });
  }

  Future<Void> succeeded(String email, String address) {
    Keys keys = keys(email, address);
    return store.succeeded(platform.pool(), keys.account(), keys.address(), platform.clock().instant().minus(Duration.ofDays(1)));
  }
}
