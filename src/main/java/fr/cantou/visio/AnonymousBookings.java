package fr.cantou.visio;

import fr.cantou.platform.PhoneNumbers;
import fr.cantou.platform.RateLimits;
import fr.cantou.platform.http.ApiException;
import io.vertx.core.Future;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How many bookings someone not signed in may make in an hour: from one address, and for one
 * e-mail address and one phone number (each in one canonical form, so that +33 6…, 06… and
 * 0033 6… are one number, and jeanne+1@… is jeanne@…). Checked before a booking, counted after
 * one is made: a request that books nothing uses up nobody's allowance.
 */
final class AnonymousBookings {
  static final Duration WINDOW = Duration.ofHours(1);

  private final RateLimits limits;
  private final String what;
  private final int perAddress;
  private final int perContact;
  private final ApiException tooMany;

  AnonymousBookings(RateLimits limits, VisioConfig settings) {
    this(limits, "booking", settings.anonymousBookingsPerAddress(), settings.anonymousBookingsPerContact(),
        ApiException.tooManyRequests("Too many bookings from here or for this person in the last hour; "
            + "please try again later or call the service."));
  }

  /** The same limits on another kind of request ({@code what} names its counters). */
  AnonymousBookings(RateLimits limits, String what, int perAddress, int perContact, ApiException tooMany) {
    this.limits = limits;
    this.what = what;
    this.perAddress = perAddress;
    this.perContact = perContact;
    this.tooMany = tooMany;
  }

  List<RateLimits.Limit> of(String address, String email, String phone) {
    List<RateLimits.Limit> all = new ArrayList<>();
    all.add(new RateLimits.Limit(what + "-address:" + address, perAddress));
    if (email != null) {
      all.add(new RateLimits.Limit(what + "-email:" + email(email), perContact));
    }
    if (phone != null) {
      all.add(new RateLimits.Limit(what + "-phone:" + PhoneNumbers.canonical(phone), perContact));
    }
    return all;
  }

  Future<Void> check(List<RateLimits.Limit> keys) {
    return limits.check(keys, WINDOW, tooMany);
  }

  Future<Void> record(List<RateLimits.Limit> keys) {
    return limits.record(keys, WINDOW);
  }

  /** Lower case, without a +tag and without a final dot. */
  static String email(String email) {
    String e = email.trim().toLowerCase(Locale.ROOT).replaceAll("\\.+$", "");
    int at = e.lastIndexOf('@');
    if (at < 0) {
      return e;
    }
    String local = e.substring(0, at);
    int plus = local.indexOf('+');
    return (plus > 0 ? local.substring(0, plus) : local) + e.substring(at);
  }
}
