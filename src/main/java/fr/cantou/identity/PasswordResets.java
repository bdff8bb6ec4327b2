package fr.cantou.identity;

import fr.cantou.platform.secrets.Secrets;
import fr.cantou.platform.Futures;
import fr.cantou.platform.Platform;
import fr.cantou.platform.RateLimits;
import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.ClientAddress;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A forgotten password, chosen again through a link mailed to the account's address: her mailbox is the proof. The
 * request is answered alike whatever the address (known, unknown, deactivated, over its limit), before the account is
 * even looked for, so neither its words nor its time tell who has an account; requests, and confirms whose token opens
 * nothing, are limited per client address (and IPv6 /48), the links asked for per account (silently: a stranger's
 * requests never lock her out, nor touch the 72-hour links an admin's act made).
 * A confirm spends the link once, sets her password (hers alone: no longer one to replace), voids her other links,
 * ends every session of hers as a password change does, and she is told by mail. A check tells the link's page, before
 * she types, whether the link still opens (counted as a confirm is), and spends nothing.
 */
public final class PasswordResets {
  private static final Logger LOG = LoggerFactory.getLogger(PasswordResets.class);
  /** How long a link may be used after it was asked for. */
  static final Duration LIFETIME = Duration.ofMinutes(60);
  /** How long a link an admin sends serves: a weekend and a day, for the one who reads her mail on Monday. */
  static final Duration SENT_LIFETIME = Duration.ofHours(72);
  /** The window of every limit here. */
  static final Duration WINDOW = Duration.ofHours(1);
  /** Links sent to one account in {@link #WINDOW}; past it, nothing is sent and the answer is the same. */
  static final int LINKS_PER_ACCOUNT = 3;
  /** Links deleted by one statement of the retention, and statements at most in one run (every node's jobs). */
  private static final int PURGE_BATCH = 1_000;
  private static final int PURGE_BATCHES_PER_RUN = 50;
  /** The one answer to a request, whatever happened. */
  static final String ASKED = "Si un compte existe pour cette adresse, un message vient de lui être envoyé avec un lien"
      + " pour choisir un nouveau mot de passe. Ce lien est valable une heure.";
  /** The answer to the admin who sent a link. */
  static final String SENT_BY_ADMIN = "Un lien pour choisir son mot de passe vient d'être envoyé à l'adresse de ce compte."
      + " Il est valable 72 heures et ne sert qu'une fois.";
  /** The answer to a confirm that set her password. */
  static final String CHOSEN = "Votre nouveau mot de passe est enregistré. Connectez-vous avec lui.";
  /** Unknown, spent, void, expired, or of a deactivated account: one answer for all. */
  static final ApiException NO_LONGER_VALID = new ApiException(410,
      "This link is no longer valid: it was used, replaced by a newer one, or has expired; ask for a new one.")
      .kind("password-link-invalid");

  private final Platform platform;
  private final IdentityStore identity;
  private final PasswordLinkStore links = new PasswordLinkStore();
  private final PasswordHasher hasher;
  private final AuthService auth;
  private final AccountMails mails;
  private final RateLimits limits;

  PasswordResets(Platform platform, IdentityStore identity, PasswordHasher hasher, AuthService auth, AccountMails mails,
                 RateLimits limits) {
    this.platform = platform;
    this.identity = identity;
    this.hasher = hasher;
    this.auth = auth;
    this.mails = mails;
    this.limits = limits;
  }

  /** Counted per address (and IPv6 /48), then answered; the account is looked for after the answer. */
  public Future<String> request(String rawEmail, String address) {
    String email = AuthService.normalizeEmail(rawEmail);
    return limits.take(fromHere("password-reset", address), WINDOW, ApiException.tooManyRequests(
            "Too many requests for a password link from your connection; please try again later."))
        .onSuccess(v -> asked(email, address).onFailure(e -> LOG.warn("event=password_link_failed reason=\"{}\"", e.getMessage())))
        .map(ASKED);
  }

  /**
   * For an active account of that address, under its limit: the links asked for earlier void, a new one, its mail queued and a
   * line of the trail, in one transaction; otherwise only a line of the trail. Whether a link was made (tests wait on
   * the trail).
   */
  Future<Boolean> asked(String email, String address) {
    Instant now = platform.clock().instant();
    return platform.pool().withTransaction(tx -> links.lockActiveAccount(tx, email).compose(account -> account.isEmpty()
        // Neither the address typed nor whether it is an account's is written: a botnet's lines are bounded a minute.
        ? ChangeAuditStore.recordUnmatched(tx, "audit:password_link_unmatched", address, "user.password_link_unmatched",
            "user.password_link_unwritten", "user", "-", now, platform.config().auth().signInLinesPerMinute()).map(false)
        : links.askedSince(tx, account.get(), List.of(PasswordLinks.ASKED_FOR), now.minus(WINDOW))
            .compose(asked -> asked >= LINKS_PER_ACCOUNT
            ? ChangeAuditStore.recordCaller(tx, null, address, "user.password_link_over_limit", "user", account.get(), now)
                .map(false)
            : sent(tx, account.get(), address, now).map(true))));
  }

  private Future<Void> sent(SqlClient tx, UUID userId, String address, Instant now) {
    return newLink(tx, userId, PasswordLinks.ASKED_FOR, now, LIFETIME)
        .compose(v -> ChangeAuditStore.recordCaller(tx, null, address, "user.password_link_sent", "user", userId, now));
  }

  /**
   * Her earlier links void, a new one, its mail queued. A link she asked for voids only those she (or anyone typing her
   * address) asked for: an admin's link or her invitation stays open for its 72 hours.
   */
  private Future<Void> newLink(SqlClient tx, UUID userId, String purpose, Instant now, Duration lifetime) {
    return links.voidOpen(tx, userId, PasswordLinks.ASKED_FOR.equals(purpose) ? List.of(PasswordLinks.ASKED_FOR)
            : PasswordLinks.ALL, now)
        .compose(v -> links.insert(tx, userId, purpose, now, now.plus(lifetime)))
        .compose(linkId -> mails.passwordLink(tx, userId, linkId, now));
  }

  /**
   * The account just made without a password, in the transaction that makes it: a link to choose hers, valid
   * {@link #SENT_LIFETIME}, its mail an invitation. Until she uses it no password signs her in.
   */
  Future<Void> invited(SqlClient tx, UUID userId, Instant now) {
    return newLink(tx, userId, PasswordLinks.INVITATION, now, SENT_LIFETIME);
  }

  /**
   * An admin sends an account's owner a link to choose her password (valid {@link #SENT_LIFETIME}): the admin never sees
   * its token, and sets no password herself. Her earlier links void; a line of the trail by the admin. An admin's links
   * (and the invitation) to one account stay {@link #LINKS_PER_ACCOUNT} an hour (429 to the admin: she may know); the
   * links asked for on "Mot de passe oublié ?" count apart, so a stranger's requests never have the admin refused.
   */
  public Future<String> sendByAdmin(Principal admin, UUID userId) {
    Instant now = platform.clock().instant();
    return platform.pool().withTransaction(tx -> links.lockActiveAccount(tx, userId).compose(account -> account.isEmpty()
        ? Future.<Void>failedFuture(ApiException.notFound("No active account has this id."))
        : links.askedSince(tx, userId, PasswordLinks.SENT, now.minus(WINDOW)).compose(asked -> asked >= LINKS_PER_ACCOUNT
            ? Future.<Void>failedFuture(ApiException.tooManyRequests(
                "Three links were sent to this account in the last hour; the last one still works: please wait before sending another."))
            : newLink(tx, userId, PasswordLinks.BY_ADMIN, now, SENT_LIFETIME)
                .compose(v -> ChangeAuditStore.record(tx, admin, "user.password_link_sent", "user", userId, now)))))
        .map(SENT_BY_ADMIN);
  }

  /**
   * Her new password through the link: checked as any new password (422 naming it, the link unspent), hashed on the
   * sign-in's pool; then, in one transaction, the link spent (once: of two confirms at once one wins, the other is told
   * the link is no longer valid), her password set, her other links void, her sessions ended, a line of the trail and
   * her mail.
   */
  public Future<String> confirm(String token, String chosen, String address) {
    return guessCounted(address, () -> confirmed(token, chosen, address));
  }

  /**
   * What the link page needs before she types: whether the link of this token still opens, what it is for and until
   * when. Nothing is spent, voided or lengthened, nothing of the account is said; the same 410 as the confirm's, counted
   * under the same counters (a check never gives a guesser more tries than the confirm does).
   */
  public Future<Usable> check(String token, String address) {
    return guessCounted(address, () -> links.opens(platform.pool(), Secrets.sha256(token), platform.clock().instant())
        .compose(open -> open.map(o -> Future.succeededFuture(new Usable(o.purpose(), o.expiresAt())))
            .orElseGet(() -> Future.failedFuture(NO_LONGER_VALID))));
  }

  /** A link that opens, as the page is told of it: its purpose and until when it serves. */
  public record Usable(String purpose, Instant expiresAt) {}

  /**
   * {@code use} counted per address (and IPv6 /48) against the guesses of tokens, confirms and checks alike: only a
   * token that opens nothing counts (a token is 256 random bits), the use of any other is given back, so the nurses of
   * one home choosing their passwords behind its one address are never refused.
   */
  private <T> Future<T> guessCounted(String address, Supplier<Future<T>> use) {
    return limits.take(fromHere("password-reset-confirm", address), WINDOW, ApiException.tooManyRequests(
            "Too many attempts with password links from your connection; please try again later."))
        .compose(taken -> use.get().transform(done -> (done.failed() && done.cause() == NO_LONGER_VALID
                ? Future.<Void>succeededFuture() : limits.giveBack(taken).otherwise((Void) null))
            .compose(v -> done.succeeded() ? Future.succeededFuture(done.result()) : Future.<T>failedFuture(done.cause()))));
  }

  private Future<String> confirmed(String token, String chosen, String address) {
    byte[] hash = Secrets.sha256(token);
    return links.opens(platform.pool(), hash, platform.clock().instant()).compose(opens -> opens.isEmpty()
        ? Future.<String>failedFuture(NO_LONGER_VALID)
        : PasswordHasher.refusedNew(chosen).<Future<String>>map(Future::failedFuture)
            .orElseGet(() -> hasher.hash(chosen).compose(newHash -> reset(opens.get().userId(), hash, newHash, address))));
  }

  /**
   * Her account's row first, as a password change, a deactivation and a request for a link take it before her links and
   * her sessions: two of them at once wait for each other, never deadlock. Then the link, spent only if still usable.
   */
  private Future<String> reset(UUID userId, byte[] tokenHash, String newHash, String address) {
    Instant now = platform.clock().instant();
    return platform.pool().withTransaction(tx -> links.lockActiveAccount(tx, userId)
            .compose(active -> active.isEmpty() ? Future.succeededFuture(Optional.<UUID>empty()) : links.spend(tx, tokenHash, now))
            .compose(spent -> spent.filter(userId::equals).isEmpty()
                ? Future.<Void>failedFuture(NO_LONGER_VALID)
                : identity.resetPasswordHash(tx, userId, newHash)
                    .compose(v -> auth.passwordReplaced(tx, userId, now))
                    .compose(v -> identity.activePrincipal(tx, userId))
                    .compose(her -> her.map(p -> ChangeAuditStore.record(tx, p.from(address), "user.password_reset", "user",
                        userId, now)).orElseGet(() -> Future.failedFuture(NO_LONGER_VALID)))
                    .compose(v -> mails.passwordChanged(tx, userId, now))))
        .map(CHOSEN);
  }

  /**
   * Retention: the links that ended (spent, void or expired) more than {@code auth.passwordLinkRetentionDays} ago go,
   * with their tokens' hashes and their mails' rows, in short batches; counts only in the log. Never one the limits
   * still count (those of the last hour), nor one that may still open.
   */
  public Future<Integer> purge() {
    Instant before = platform.clock().instant().minus(platform.config().auth().passwordLinksKept());
    return Futures.inBatches(() -> links.purgeBatch(platform.pool(), before, PURGE_BATCH), PURGE_BATCH, PURGE_BATCHES_PER_RUN)
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("event=retention kind=password_link deleted={}", n);
          }
        });
  }

  /** The counters of one client: its address (an IPv6 client's /64), and an IPv6 client's /48. */
  private List<RateLimits.Limit> fromHere(String what, String address) {
    var auth = platform.config().auth();
    List<RateLimits.Limit> all = new ArrayList<>();
    all.add(new RateLimits.Limit(what + "-address:" + address, auth.passwordResetsPerAddress()));
    String network = ClientAddress.network(address);
    if (network != null) {
      all.add(new RateLimits.Limit(what + "-network:" + network, auth.passwordResetsPerNetwork()));
    }
    return all;
  }
}
