package fr.cantou.visio;

import fr.cantou.platform.PhoneNumbers;
import fr.cantou.platform.RateLimits;
import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.ClientAddress;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * How many bookings someone not signed in may make in an hour: from one address (and from one IPv6
 * network, whose /64s are so many addresses: {@link ClientAddress#network}), and for one
 * e-mail address and one phone number (each in one canonical form, so that +33 6…, 06… and
 * 0033 6… are one number, and jeanne+1@… is jeanne@…). Taken in the transaction that writes the
 * booking (or the place in line), after it: parallel requests cannot all slip under the limit, a
 * request that books nothing uses up nobody's allowance (rolled back with it), and a request sent
 * again under the key of a first sending still being written waits for it at the key and is
 * answered as a retry, never refused by the use the first sending took.
 */
final class AnonymousBookings {
  static final Duration WINDOW = Duration.ofHours(1);

  private final RateLimits limits;
  private final String what;
  private final int perAddress;
  private final int perNetwork;
  private final int perContact;
  private final ApiException tooMany;

  AnonymousBookings(RateLimits limits, VisioConfig settings) {
    this(limits, "booking", settings, ApiException.tooManyRequests("Too many bookings from here or for this person in the "
        + "last hour; please try again later or call the service."));
  }

  /** The same limits on another kind of request ({@code what} names its counters). */
  AnonymousBookings(RateLimits limits, String what, VisioConfig settings, ApiException tooMany) {
    this.limits = limits;
    this.what = what;
    this.perAddress = settings.anonymousBookingsPerAddress();
    this.perNetwork = settings.anonymousBookingsPerNetwork();
    this.perContact = settings.anonymousBookingsPerContact();
    this.tooMany = tooMany;
  }

  List<RateLimits.Limit> of(String address, String email, String phone) {
    List<RateLimits.Limit> all = new ArrayList<>();
    all.add(new RateLimits.Limit(what + "-address:" + address, perAddress));
    String network = ClientAddress.network(address);
    if (network != null) {
      all.add(new RateLimits.Limit(what + "-network:" + network, perNetwork));
    }
    if (email != null) {
      all.add(new RateLimits.Limit(what + "-email:" + email(email), perContact));
    }
    if (phone != null) {
      all.add(new RateLimits.Limit(what + "-phone:" + PhoneNumbers.canonical(phone), perContact));
    }
    return all;
  }

  /** At a point's screen: the screen stands for the address (everyone there shares it), and the phone as anywhere. */
  List<RateLimits.Limit> ofScreen(java.util.UUID screen, String phone) {
    List<RateLimits.Limit> all = new ArrayList<>();
    all.add(new RateLimits.Limit(what + "-screen:" + screen, perAddress));
    if (phone != null) {
      all.add(new RateLimits.Limit(what + "-phone:" + PhoneNumbers.canonical(phone), perContact));
    }
    return all;
  }

  /**
   * One use of every key, taken in the transaction {@code tx} that has just written the thing limited (and rolled back
   * with it): a request sent again under the key of a first sending still being written waited for it there, and is
   * answered as a retry before any limit is looked at.
   */
  Future<RateLimits.Taken> takeIn(SqlClient tx, List<RateLimits.Limit> keys) {
    return limits.takeIn(tx, keys, WINDOW, tooMany);
  }

  /**
   * {@code write} let through these limits, exactly, without queueing on the keys' rows while they are far from them
   * (bookings): given what to take in its transaction once the booking is in (near a limit, her use; {@code alsoTaken},
   * null for none: another allowance), and counted once done when far. Refused at once when already over a limit.
   */
  <T> Future<T> admitted(List<RateLimits.Limit> keys, Function<SqlClient, Future<RateLimits.Taken>> alsoTaken,
                         Function<BookingService.Then, Future<T>> write) {
    // Composed, not called: a refusal thrown while the booking is read (an unknown service) is a failure too.
    return limits.admit(keys, WINDOW, tooMany).compose(admitted -> Future.succeededFuture()
        .compose(v -> write.apply((tx, a) -> admitted.inWrite(tx)
            .compose(w -> alsoTaken == null ? Future.succeededFuture() : alsoTaken.apply(tx)).mapEmpty()))
        .compose(done -> admitted.done().map(done)));
  }

  /** Whether a request was refused by a limit (429). */
  static boolean tooMany(Throwable e) {
    return e instanceof ApiException refused && refused.status() == 429;
  }

  /** One use of every key of a day's allowance (a screen's bookings without any contact), taken in the booking's write. */
  Future<RateLimits.Taken> takeForTheDayIn(SqlClient tx, List<RateLimits.Limit> keys, ApiException refusal) {
    return limits.takeIn(tx, keys, Duration.ofDays(1), refusal);
  }

  /** One move of this appointment by the citizen (her manage link), taken before it is made. */
  Future<RateLimits.Taken> takeMove(java.util.UUID appointment, int perDay) {
    return limits.take(List.of(new RateLimits.Limit("citizen-moves:" + appointment, perDay)),
        java.time.Duration.ofDays(1), ApiException.tooManyRequests(
            "This appointment was moved several times today; to move it again, please call the service or try tomorrow."));
  }

  /** A request refused after all (slot taken, invalid) uses up nobody's allowance. */
  Future<Void> giveBack(RateLimits.Taken taken) {
    return limits.giveBack(taken);
  }

  /**
   * Lower case, without quotes, a +tag or a final dot: {@code "Jeanne+1"@Example.fr.} counts as {@code jeanne@example.fr};
   * Gmail's without dots, googlemail.com as gmail.com ({@code j.eanne@googlemail.com} is {@code jeanne@gmail.com}): that
   * provider delivers every such spelling to one mailbox.
   */
  static String email(String email) {
    String e = email.trim().toLowerCase(Locale.ROOT).replaceAll("\\.+$", "").replace("\"", "");
    int at = e.lastIndexOf('@');
    if (at < 0) {
      return e;
    }
    String local = e.substring(0, at);
    int plus = local.indexOf('+');
    String mailbox = plus > 0 ? local.substring(0, plus) : local;
    String domain = e.substring(at + 1);
    return GMAIL.contains(domain) ? mailbox.replace(".", "") + "@gmail.com" : mailbox + "@" + domain;
  }

  private static final java.util.Set<String> GMAIL = java.util.Set.of("gmail.com", "googlemail.com");
}
