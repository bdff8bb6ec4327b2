package fr.cantou.identity;

import fr.cantou.platform.secrets.Secrets;
import fr.cantou.platform.Platform;
import fr.cantou.platform.http.ApiException;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Login, refresh-token rotation and logout. Access tokens live minutes; refresh tokens
 * rotate at each use, and a reused one ends its whole lineage (it must have leaked): its family, and
 * those a lost answer was given again into (see {@link #refresh}).
 */
public final class AuthService {
  private final Platform platform;
  private final IdentityStore identity;
  private final RefreshTokenStore refreshTokens;
  private final PasswordHasher hasher;
  private final TokenService tokens;
  private final LoginThrottle throttle;
  private final AccountEvents events;
  private final AccountMails mails;
  private final PasswordLinkStore links = new PasswordLinkStore();

  public AuthService(Platform platform, IdentityStore identity, RefreshTokenStore refreshTokens, PasswordHasher hasher,
                     TokenService tokens, AccountEvents events, AccountMails mails) {
    this.platform = platform;
    this.events = events;
    this.mails = mails;
    this.identity = identity;
    this.refreshTokens = refreshTokens;
    this.hasher = hasher;
    this.tokens = tokens;
    this.throttle = new LoginThrottle(platform, new LoginThrottleStore());
  }

  /**
   * {@code address}: where the attempt comes from, for throttling and the audit trail (a failure
   * is written the same way whether the e-mail is an account's or not; neither the e-mail typed
   * nor the password is).
   */
  public Future<Session> login(String rawEmail, String password, String address) {
    String email = normalizeEmail(rawEmail);
    return throttle.admit(email, address)
        .compose(v -> identity.credentials(platform.pool(), email))
        .compose(found -> hasher.verify(password, found.map(IdentityStore.Credentials::passwordHash).orElse(null))
            .compose(matches -> {
              if (!matches || !found.get().active()) {
                return AccessAuditStore.signInAttempt(platform.pool(), email, "sign_in.failed", address, null, now(),
                    platform.config().auth().signInLinesPerMinute())
                    .compose(v -> Future.failedFuture(ApiException.unauthorized("The e-mail or the password is wrong.")));
              }
              UUID userId = found.get().userId();
              return throttle.succeeded(email, address).compose(v -> platform.pool().withTransaction(tx ->
                  AccessAuditStore.signIn(tx, userId, "sign_in.succeeded", address, now())
                      .compose(w -> openSession(tx, userId, UUID.randomUUID())).map(Opened::session)));
            }));
  }

  /**
   * A signed-in user replaces her own password. The current one is checked as a sign-in checks it (the same throttle,
   * counted first, the same hashing pool): a stolen access token is no way to guess it faster than the sign-in page.
   * Then every session of hers ends at once (refresh tokens revoked, access tokens refused, sockets closed on every
   * node), the one that asked too: a copy of it (a shared workstation, a token read from that tab) is what she may be
   * changing it for. She is answered a new session, in the same transaction, which also queues a mail to her address
   * (not for her first choice, in place of the admin's; {@link AccountMails#PASSWORD_CHANGED}): whoever changed it from
   * a copy of her session, she hears of it before she finds she cannot sign in.
   */
  public Future<Session> changePassword(Principal me, String current, String chosen) {
    Optional<ApiException> refused = PasswordHasher.refusedNew(chosen);
    if (refused.isPresent()) {
      return Future.failedFuture(refused.get());
    }
    if (chosen.equals(current)) {
      return Future.failedFuture(new ApiException(422, "Invalid field 'newPassword': it must differ from the current password."));
    }
    String address = me.address();
    return identity.ownCredentials(platform.pool(), me.userId()).compose(found -> {
      // The authenticator found her active a moment ago: deactivated since, she is signed out.
      IdentityStore.OwnCredentials own = found.orElseThrow(() -> ApiException.unauthorized(
          "This account is deactivated, or this session was ended; please sign in again."));
      return throttle.admit(own.email(), address)
          .compose(v -> hasher.verify(current, own.passwordHash()))
          .compose(matches -> matches
              ? throttle.succeeded(own.email(), address).compose(v -> hasher.hash(chosen))
                  .compose(hash -> replaced(me, own.passwordHash(), hash))
              // A failed guess, counted by the throttle above; a line of the trail as a failed sign-in is.
              : AccessAuditStore.signIn(platform.pool(), me.userId(), "password.change_refused", address, now())
                  .compose(v -> Future.failedFuture(ApiException.forbidden(
                      "Invalid field 'currentPassword': this is not your current password."))));
    });
  }

  /**
   * Her password replaced (by her, or through a mailed link): every session of hers ends on every node, and every link
   * to choose another one still open is void.
   */
  Future<Void> passwordReplaced(SqlClient tx, UUID userId, Instant now) {
    return refreshTokens.revokeSessionsOf(tx, userId, now)
        .compose(ended -> Future.all(ended.stream().map(family -> events.sessionEnded(tx, family)).toList()))
        .compose(v -> links.voidOpen(tx, userId, PasswordLinks.ALL, now));
  }

  private Future<Session> replaced(Principal me, String checkedHash, String hash) {
    Instant now = now();
    return platform.pool().withTransaction(tx -> identity.replacePasswordHash(tx, me.userId(), checkedHash, hash)
        .compose(done -> !done
            ? Future.failedFuture(ApiException.conflict("Your password was changed meanwhile; please try again."))
            : passwordReplaced(tx, me.userId(), now)
                .compose(v -> ChangeAuditStore.record(tx, me, "user.password_changed", "user", me.userId(), now))
                // Her first choice, replacing the admin's, is no news to her; had someone else made it first, the password
                // she was given would no longer sign her in, which tells her at once.
                .compose(v -> me.passwordToReplace() ? Future.<Void>succeededFuture() : mails.passwordChanged(tx, me.userId(), now))
                .compose(v -> openSession(tx, me.userId(), UUID.randomUUID())).map(Opened::session)));
  }

  /** The periodic clean-up of sign-in counters long over. */
  public Future<Integer> forgetOldAttempts() {
    return throttle.forgetOld();
  }

  /**
   * How long after a token's use its answer, lost on the way, may be given again: a rural link down for a while, the page
   * asking again until it comes back. Later, a spent token sent again ends the session as any reuse does.
   */
  static final Duration ANSWERED_AGAIN_WITHIN = Duration.ofMinutes(30);

  /** How many lost answers of one person may be given again within {@link #ANSWERED_AGAIN_WITHIN}: a loop is no link. */
  static final int ANSWERED_AGAIN_AT_MOST = 3;

  /**
   * A refresh: the token rotates. A spent token presented again ends its session (it must have leaked), unless it is
   * the page that used it asking again because the answer never reached it: it reveals the secret of the key last
   * committed with the token (or of a later one of its chain: {@link AnswerProof}), the session never went on with the
   * token the last answer issued, within {@link #ANSWERED_AGAIN_WITHIN} of the use, and not one of many. Each answer
   * given again is a new family of the same lineage, the one answered before ended; a send of her page overtaken by a
   * later one is refused and ends nothing. A token of the lineage presented again while the lineage lives on (a copy of
   * her send, the lost answer used by whoever took it) ends the whole lineage. Refreshes, reuses and answers given again
   * are lines of the audit trail with the address.
   */
  public Future<Session> refresh(String refreshToken, AnswerProof proof, String address) {
    Instant now = platform.clock().instant();
    // The transaction commits a revocation even when the answer is a refusal.
    return platform.pool().<Optional<Session>>withTransaction(tx -> lockedToken(tx, Secrets.sha256(refreshToken)).compose(found -> {
      if (found.isEmpty() || !found.get().expiresAt().isAfter(now)) {
        return Future.succeededFuture(Optional.empty());
      }
      RefreshTokenStore.Stored stored = found.get();
      if (stored.revokedAt() != null) {
        // Ended: by a sign-out, a reuse or a password change (the lineage with it), or by a lost answer given again
        // (then given again along the chain while the lineage lives).
        return refreshTokens.lineageOpen(tx, stored.lineageId(), now).compose(open -> !open ? Future.succeededFuture(Optional.empty())
            : stored.answeredAgainAt() == null ? reused(tx, stored, address, now) : spent(tx, stored, proof, address, now));
      }
      return stored.usedAt() == null ? rotated(tx, stored, proof, address, now).map(Optional::of)
          : spent(tx, stored, proof, address, now);
    })).compose(session -> session.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(ApiException.unauthorized("This refresh token is no longer valid; please sign in again."))));
  }

  /** A spent token sent again: her page's overtaken send (refused, nothing ends), a lost answer given again, or a reuse. */
  private Future<Optional<Session>> spent(SqlClient tx, RefreshTokenStore.Stored stored, AnswerProof proof, String address, Instant now) {
    if (stored.replacedBy() == null || !now.isBefore(stored.usedAt().plus(ANSWERED_AGAIN_WITHIN))) {
      return reused(tx, stored, address, now);
    }
    return refreshTokens.lockById(tx, stored.replacedBy()).compose(next -> {
      boolean unused = next.isPresent() && next.get().usedAt() == null && next.get().revokedAt() == null;
      if (!unused) {
        // Her session went on from the last answer: no send of her page can still be on its way.
        return reused(tx, stored, address, now);
      }
      if (proof.overtaken(stored.revealedKey())) {
        // Her page's send passed by a later one: ends nothing (a page left while it travelled never reads this). A page
        // still there (then the later send may have been a copy of her tab's) reveals its chain's top, which nothing
        // passes: answered again, the other answer's session ends.
        return Future.failedFuture(OVERTAKEN);
      }
      if (!proof.reveals(stored.answerKey())) {
        return reused(tx, stored, address, now);
      }
      return refreshTokens.answeredAgainSince(tx, stored.userId(), now.minus(ANSWERED_AGAIN_WITHIN))
          .compose(recent -> recent >= ANSWERED_AGAIN_AT_MOST ? reused(tx, stored, address, now)
              : answeredAgain(tx, stored, next.get().familyId(), proof, address, now).map(Optional::of));
    });
  }

  /** A send of her page overtaken by a later one of the same chain ({@link AnswerProof#overtaken}). */
  static final ApiException OVERTAKEN = ApiException.conflict(
      "A later send of this refresh token was answered; send it again with the top of its chain.").kind("refresh-overtaken");

  private Future<Session> rotated(SqlClient tx, RefreshTokenStore.Stored stored, AnswerProof proof, String address, Instant now) {
    return openSession(tx, stored.userId(), stored.familyId(), stored.lineageId()).compose(opened ->
        refreshTokens.markUsed(tx, stored.id(), now, proof.keyToKeep(), proof.revealedKey(), opened.tokenId())
            .compose(v -> AccessAuditStore.sessionRefreshed(tx, stored.userId(), address, now))
            .map(v -> opened.session()));
  }

  private Future<Optional<Session>> reused(SqlClient tx, RefreshTokenStore.Stored stored, String address, Instant now) {
    return lineageEnded(tx, stored.lineageId(), now)
        .compose(v -> AccessAuditStore.signIn(tx, stored.userId(), "session.reuse_revoked", address, now))
        .map(v -> Optional.empty());
  }

  /**
   * The lost answer given again, as a new session of the same lineage: the one the last answer opened ends (its
   * {@code family}), so that the lost answer's access token (whoever took it on the way) is refused at once and its
   * sockets close. Every such answer is a line of the trail.
   */
  private Future<Session> answeredAgain(SqlClient tx, RefreshTokenStore.Stored stored, UUID family, AnswerProof proof, String address, Instant now) {
    return refreshTokens.revokeFamily(tx, family, now)
        .compose(v -> events.sessionEnded(tx, family))
        .compose(v -> openSession(tx, stored.userId(), UUID.randomUUID(), stored.lineageId()))
        .compose(opened -> refreshTokens.markAnsweredAgain(tx, stored.id(), now, proof.keyToKeep(), proof.revealedKey(), opened.tokenId())
            .compose(v -> AccessAuditStore.signIn(tx, stored.userId(), "session.answered_again", address, now))
            .map(v -> opened.session()));
  }

  /**
   * Signing out: every session of the token's lineage ends, and a line of the audit trail. With a spent token too: her
   * page holds the one its refresh, still on the way, has spent (the token that refresh issued unused). A token the
   * session went on from (its successor used, or ended while the lineage lives on) is someone else's copy: the lineage
   * ends as a reuse would end it, and the line says so. Only a session still open ends (and is a line of the trail): an
   * ended or expired token sent again is answered alike and writes nothing, so no one fills the trail with it.
   */
  public Future<Void> logout(String refreshToken, String address) {
    Instant now = platform.clock().instant();
    return platform.pool().withTransaction(tx -> lockedToken(tx, Secrets.sha256(refreshToken))
        .compose(found -> found.isEmpty() || !found.get().expiresAt().isAfter(now) ? Future.succeededFuture()
            : heldByHerPage(tx, found.get()).compose(hers -> lineageEnded(tx, found.get().lineageId(), now)
                .compose(any -> !any ? Future.<Void>succeededFuture() : AccessAuditStore.signIn(tx, found.get().userId(),
                    hers ? "session.ended" : "session.reuse_revoked", address, now)))));
  }

  /** The token, locked after its lineage and its account (see {@link RefreshTokenStore#lockLineageOf}). */
  private Future<Optional<RefreshTokenStore.Stored>> lockedToken(SqlClient tx, byte[] hash) {
    return refreshTokens.lockLineageOf(tx, hash).compose(v -> refreshTokens.lockByHash(tx, hash));
  }

  /** Whether the page of the session holds this token: never used, or spent by a refresh whose answer is on its way. */
  private Future<Boolean> heldByHerPage(SqlClient tx, RefreshTokenStore.Stored token) {
    if (token.usedAt() == null) {
      return Future.succeededFuture(token.revokedAt() == null);
    }
    return token.replacedBy() == null ? Future.succeededFuture(false) : refreshTokens.lockById(tx, token.replacedBy())
        .map(next -> next.isPresent() && next.get().usedAt() == null && next.get().revokedAt() == null);
  }

  /**
   * Every session of the lineage ends: its refresh tokens revoked, its access tokens refused from now on, its sockets
   * closed on every node. Whether one was still open.
   */
  private Future<Boolean> lineageEnded(SqlClient tx, UUID lineageId, Instant now) {
    return refreshTokens.revokeLineage(tx, lineageId, now).compose(families ->
        Future.all(families.stream().map(family -> events.sessionEnded(tx, family)).toList()).map(!families.isEmpty()));
  }

  private Instant now() {
    return platform.clock().instant();
  }

  /** A session answered, and the id of its refresh token. */
  private record Opened(Session session, UUID tokenId) {}

  /** A new session: its own lineage. */
  private Future<Opened> openSession(SqlClient tx, UUID userId, UUID familyId) {
    return openSession(tx, userId, familyId, familyId);
  }

  private Future<Opened> openSession(SqlClient tx, UUID userId, UUID familyId, UUID lineageId) {
    Instant now = platform.clock().instant();
    Duration refreshLifetime = platform.config().auth().refreshTokenLifetime();
    String refreshToken = Secrets.randomToken();
    return identity.activePrincipal(tx, userId).compose(principal -> {
      if (principal.isEmpty()) {
        return Future.failedFuture(ApiException.unauthorized("This account is deactivated."));
      }
      Principal p = principal.get();
      return refreshTokens.insert(tx, userId, familyId, lineageId, Secrets.sha256(refreshToken), now.plus(refreshLifetime))
          .map(tokenId -> new Opened(new Session(tokens.issue(userId, p.role(), familyId), "Bearer", tokens.lifetime().toSeconds(), refreshToken,
              refreshLifetime.toSeconds(),
              new Session.SessionUser(userId.toString(), p.role().code(), p.displayName(),
                  p.organisationId() == null ? null : p.organisationId().toString(),
                  p.specialties().stream().sorted().toList(), p.passwordToReplace())), tokenId));
    });
  }

  static String normalizeEmail(String email) {
    return email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
  }
}
