package fr.cantou.notify;

import java.util.regex.Pattern;

/**
 * What is taken as someone's e-mail address: one mailbox, {@code local@domain.tld}, never a display name nor a list.
 * The mail library reads {@code x<victim@example.fr>} as a name and the address inside the brackets, so each such
 * spelling reached the same mailbox as a new "person" (past the limits kept per contact); a stray {@code >} failed
 * only when sent. The same rule is in docs/openapi.yaml (the bookings' and the waiting list's {@code email}) and in
 * the pages (contact.js, lost-link.js).
 */
public final class MailAddresses {
  /** Quotes allowed in the local part ("jeanne"@…: one mailbox, read as jeanne@… by the limits). */
  public static final Pattern ONE_MAILBOX = Pattern.compile("[^@\\s<>()\\[\\],;:\\\\]+@[^@\\s<>()\\[\\],;:\\\\\"]+\\.[^@\\s<>()\\[\\],;:\\\\\"]+");

  private MailAddresses() {}

  public static boolean valid(String address) {
    return address != null && ONE_MAILBOX.matcher(address).matches();
  }
}
