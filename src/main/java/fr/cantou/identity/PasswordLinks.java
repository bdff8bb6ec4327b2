package fr.cantou.identity;

import fr.cantou.platform.secrets.Secrets;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The mail job's side of a link to choose a new password ({@link AccountMails#PASSWORD_LINK}): its token is made here,
 * as its mail is handed over, and goes into that mail only; the database keeps its SHA-256. So neither the queue nor a
 * copy of the database ever holds a token that opens an account. A mail tried again carries a new token, and the
 * earlier attempt's opens too (V114): its mail may have reached her though its answer was lost.
 */
public final class PasswordLinks {
  private PasswordLinks() {}

  /** The purposes of a link (V110, V111): she asked for it; an admin sent it; her account was made without a password. */
  public static final String ASKED_FOR = "reset";
  public static final String BY_ADMIN = "admin";
  public static final String INVITATION = "invitation";
  /** Every purpose: her confirm, or her password changed, voids them all. */
  static final List<String> ALL = List.of(ASKED_FOR, BY_ADMIN, INVITATION);
  /**
   * The links an admin's act made, valid 72 hours: a request anyone may make for her address neither voids them nor
   * counts with them (else a stranger could cut her invitation to an hour, or have the admin refused).
   */
  static final List<String> SENT = List.of(BY_ADMIN, INVITATION);

  /** A link's token, until when it may be used, and its purpose ({@link #ASKED_FOR}, {@link #BY_ADMIN}, {@link #INVITATION}). */
  public record Issued(String token, Instant expiresAt, String purpose) {}

  /** The token of this link, made now; empty when the link may no longer be used (nothing to send). */
  public static Future<Optional<Issued>> issue(SqlClient db, UUID linkId, Instant now) {
    String token = Secrets.randomToken();
    return new PasswordLinkStore().issue(db, linkId, Secrets.sha256(token), now)
        .map(found -> found.map(link -> new Issued(token, link.expiresAt(), link.purpose())));
  }
}
