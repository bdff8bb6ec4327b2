package fr.cantou.visio;

import fr.cantou.identity.ChangeAuditStore;
import fr.cantou.platform.PhoneNumbers;
import fr.cantou.platform.Platform;
import fr.cantou.platform.RateLimits;
import fr.cantou.platform.http.ApiException;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * "A lost link is not a lost appointment": a citizen gives her reference and the e-mail address
 * or phone number she booked with; when they match an appointment whose link still works, its
 * links are renewed (every earlier one stops working) and the new one is sent there, by mail or
 * by SMS. The answer is the same whether anything matched or not, and comes before the search
 * is made (so its timing says nothing either); requests are limited per address (429), and the
 * links actually renewed per reference and per contact (silently: a stranger's requests, which
 * match nothing, never lock the citizen out); each is a line of the audit trail.
 */
public final class LostLinkService {
  private static final Logger LOG = LoggerFactory.getLogger(LostLinkService.class);
  static final Duration WINDOW = Duration.ofHours(1);
  /** The one answer, whatever happened. */
  static final String ANSWER = "Si ces informations correspondent à un rendez-vous, un nouveau lien vient d'être envoyé.";

  private final Platform platform;
  private final VisioConfig settings;
  private final AppointmentService appointments;
  private final ManageTokens tokens;
  private final RateLimits limits;

  LostLinkService(Platform platform, VisioConfig settings, AppointmentService appointments, ManageTokens tokens,
                  RateLimits limits) {
    this.platform = platform;
    this.settings = settings;
    this.appointments = appointments;
    this.tokens = tokens;
    this.limits = limits;
  }

  /** A contact as typed, read as one e-mail address (lower case) or one phone number (international form). */
  record Contact(String channel, String value) {
    static Optional<Contact> of(String typed) {
      String t = typed.trim();
      if (t.contains("@")) {
        return fr.cantou.notify.MailAddresses.valid(t) ? Optional.of(new Contact(MailStore.MAIL, t.toLowerCase(Locale.ROOT)))
            : Optional.empty();
      }
      return PhoneNumbers.written(t).map(written -> new Contact(MailStore.SMS, PhoneNumbers.canonical(written)));
    }

    boolean matches(Appointment.Citizen citizen) {
      if (citizen == null) {
        return false;
      }
      return MailStore.MAIL.equals(channel) ? citizen.email() != null && citizen.email().trim().toLowerCase(Locale.ROOT).equals(value)
          : citizen.phone() != null && PhoneNumbers.canonical(citizen.phone()).equals(value);
    }
  }

  /**
   * Separators people type between the two parts of a reference ("CAF 7K3Q9", "caf  7k3q9", "CAF.7K3Q9",
   * "CAF_7K3Q9", "CAF/7K3Q9", "CAF–7K3Q9" from a phone's keyboard): any run of spaces (no-break ones too), dots,
   * underscores, slashes, hyphens or dashes.
   */
  private static final String SEPARATORS = "[\\s\\u00A0\\u202F._/\\u2010-\\u2015\\u2212-]+";

  /** A reference as typed, read as written on the convocation (CAF-7K3Q9): upper case, one hyphen; "" when absent. */
  static String reference(String typed) {
    if (typed == null) {
      return "";
    }
    return typed.toUpperCase(Locale.ROOT).replaceAll("^" + SEPARATORS + "|" + SEPARATORS + "$", "")
        .replaceAll(SEPARATORS, "-");
  }

  /** Checks the request, counts it, answers; the search and the sending go on after the answer. */
  public Future<String> request(VisioRecords.LostLink body, String address) {
    String reference = body == null ? "" : reference(body.reference());
    if (!reference.matches("[A-Z0-9]{1,12}-[A-Z0-9]{1,12}")) {
      return Future.failedFuture(ApiException.badRequest("Invalid field 'reference': the reference of the appointment, such as CAF-7K3Q9."));
    }
    Optional<Contact> contact = body.contact() == null ? Optional.empty() : Contact.of(body.contact());
    if (contact.isEmpty()) {
      return Future.failedFuture(ApiException.badRequest(
          "Invalid field 'contact': the e-mail address or the phone number given when booking."));
    }
    if (MailStore.SMS.equals(contact.get().channel()) && !PhoneNumbers.textable(contact.get().value())) {
      // Renewed for a landline, her link stopped working and the new one went where no SMS arrives. Said of the
      // number typed, whatever was booked: it tells nothing of any appointment.
      return Future.failedFuture(ApiException.badRequest("Invalid field 'contact': a new link goes by SMS to a mobile"
          + " number (06, 07) or by e-mail; it cannot be sent to a landline."));
    }
    List<RateLimits.Limit> fromHere = List.of(new RateLimits.Limit("lost-link-address:" + address, settings.lostLinksPerAddress()));
    return limits.take(fromHere, WINDOW, ApiException.tooManyRequests(
            "Too many requests for a new link; please try again later or call the service."))
        .onSuccess(v -> renew(reference, contact.get(), address)
            .onFailure(e -> LOG.warn("event=lost_link_failed reason=\"{}\"", e.getMessage())))
        .map(ANSWER);
  }

  /** Matched: renewed and sent; not matched: only the line of the audit trail. Tests wait on the trail. */
  Future<Boolean> renew(String reference, Contact contact, String address) {
    Caller citizen = Caller.of(null, null, address);
    return appointments.byReference(reference).compose(found -> {
      Optional<Appointment> match = found.filter(a -> contact.matches(a.citizen()) && tokens.stillValid(a.end().toInstant()));
      if (match.isEmpty()) {
        return ChangeAuditStore.recordUnmatched(platform.pool(), "audit:lost_link_unmatched", address,
            "appointment.link_request_unmatched", "appointment.link_request_unwritten", "appointment", reference,
            platform.clock().instant(), settings.lostLinkLinesPerMinute()).map(false);
      }
      // Renewals of one appointment, and to one contact, are few an hour; past that the request is
      // answered alike and only written in the trail (no 429 here: it would tell a match).
      List<RateLimits.Limit> renewals = List.of(
          new RateLimits.Limit("lost-link-reference:" + reference, settings.lostLinksPerReference()),
          new RateLimits.Limit("lost-link-contact:" + contact.value(), settings.lostLinksPerReference()));
      return limits.take(renewals, WINDOW, ApiException.tooManyRequests(
          "Too many new links for this appointment or this contact in the last hour."))
          .compose(taken -> appointments.renewed(citizen, match.get(), contact.channel())
              .onSuccess(v -> LOG.info("event=lost_link_renewed appointment={} channel={}", reference, contact.channel()))
              .map(true), tooMany -> platform.pool().withTransaction(tx -> ChangeAuditStore.recordCaller(tx, null, address,
                  "appointment.link_request_over_limit", "appointment", reference, platform.clock().instant())).map(false));
    });
  }
}
