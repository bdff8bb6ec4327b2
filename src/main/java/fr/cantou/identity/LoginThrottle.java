package fr.cantou.identity;

import fr.cantou.platform.Platform;
import fr.cantou.platform.config.CantouConfig;
import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.ClientAddress;
import io.vertx.core.Future;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Who may try a password now. Two counters per attempt, counted before the password is
 * checked: the account from this address (the owner's own mistakes, or a guesser there), and
 * the address whatever the account (random e-mails, each costing a hash); for an IPv6 client a
 * third, the account from its /48, whose 65,536 /64s would otherwise be as many addresses. No counter for the
 * account from everywhere: a guesser spread over many addresses could then keep the owner out
 * for good; each of his addresses is slowed down instead, and hashing has a ceiling. Past a limit, a short block (2 s), then one
 * more try and a block twice as long, and so on: an attacker elsewhere does not lock the owner
 * out, and the owner's own typos cost her seconds, not 15 minutes.
 */
final class LoginThrottle {
  static final Duration WINDOW = Duration.ofMinutes(15);
  /** The account from one IPv6 /48 (sorts before "account-from:"). */
  private static final String NETWORK = "account-from-network:";

  private final Platform platform;
  private final LoginThrottleStore store;

  LoginThrottle(Platform platform, LoginThrottleStore store) {
    this.platform = platform;
    this.store = store;
  }

  private record Keys(List<String> all, List<Integer> limits, String account, String address) {}

  private Keys keys(String email, String address) {
    CantouConfig.Auth auth = platform.config().auth();
    // Sorted: every attempt locks its counters in the same order.
    String accountFromAddress = "account-from:" + email + "|" + address;
    String from = "address:" + address;
    // An IPv6 client counts by its /64; its /48 holds 65,536 of them: the account from that whole network too.
    String network = ClientAddress.network(address);
    if (network != null) {
      return new Keys(List.of(NETWORK + email + "|" + network, accountFromAddress, from),
          List.of(auth.maxFailedLoginsPerNetwork(), auth.maxFailedLogins(), auth.maxFailedLoginsPerAddress()),
          accountFromAddress, from);
    }
    return new Keys(List.of(accountFromAddress, from), List.of(auth.maxFailedLogins(), auth.maxFailedLoginsPerAddress()),
        accountFromAddress, from);
  }

  /**
   * Counts this attempt; fails with 429 and when to try again when a counter is over. An attempt
   * refused because a key is still blocked writes nothing (no row, no count).
   */
  Future<Void> admit(String email, String address) {
    Keys keys = keys(email, address);
    Instant now = platform.clock().instant();
    return store.blockedUntil(platform.pool(), keys.all()).compose(blocked -> blocked.isAfter(now) ? refuse(now, blocked)
        : store.count(platform.pool(), keys.all(), keys.limits(), now, now.minus(WINDOW)).compose(counted -> {
          boolean admitted = counted.size() == keys.all().size()
              && counted.values().stream().allMatch(LoginThrottleStore.Counted::admitted);
          List<String> blocking = keys.all().stream()
              .filter(key -> counted.containsKey(key) && counted.get(key).startsBlock()).toList();
          // This attempt started a block: a line of the trail. One refused while blocked writes nothing.
          Future<Void> line = blocking.isEmpty() ? Future.succeededFuture()
              : AccessAuditStore.signInAttempt(platform.pool(), email, "sign_in.blocked", address,
                  blocking.contains(keys.address()) ? "address"
                      : blocking.contains(keys.account()) ? "account_from_address" : "account_from_network", now,
                  platform.config().auth().signInLinesPerMinute());
          return line.compose(v -> admitted ? Future.succeededFuture()
              : store.blockedUntil(platform.pool(), keys.all()).compose(until -> refuse(now, until)));
        }));
  }

  private static Future<Void> refuse(Instant now, Instant until) {
    return Future.failedFuture(ApiException.tooManyRequests("Too many sign-in attempts; please wait a moment before trying again.")
        .retryAfter((Duration.between(now, until).toMillis() + 999) / 1000));
  }

  Future<Void> succeeded(String email, String address) {
    Keys keys = keys(email, address);
    return store.succeeded(platform.pool(), keys.account(), keys.address());
  }

  /** Forgets counters whose window is long over, a batch at a time (a periodic job). */
  Future<Integer> forgetOld() {
    return store.forget(platform.pool(), platform.clock().instant().minus(WINDOW.multipliedBy(4)), 1_000);
  }
}
