package fr.cantou.visio;

import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;
import fr.cantou.platform.Futures;
import fr.cantou.platform.Platform;
import fr.cantou.platform.RateLimits;
import fr.cantou.platform.db.DatabaseErrors.Refused;
import fr.cantou.platform.http.ApiException;
import io.vertx.core.Future;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Staff pair a screen with a point visio-accueil (an admin, or a mediator of the organisation that
 * runs the point): a pairing code, shown once, valid {@link #CODE_LIFE} and for one screen, which
 * the screen exchanges for its device token. Only the SHA-256 of either is stored. Naming a screen (its code, and each
 * code issued again for it), pairing and revoking it are lines of the audit trail that name the screen; a revoked screen's
 * sockets close at once on every node ({@link VisioEvents#screenRevoked}).
 */
public final class KioskPairing {
  /** How long a pairing code can be typed on the screen. */
  static final Duration CODE_LIFE = Duration.ofMinutes(15);
  /** How long a screen's creation sent again with its key answers that screen: far past a page's sends again (V100). */
  static final Duration CREATION_KEY_KEPT = Duration.ofDays(1);
  /** How many key hashes one statement of their purge clears. */
  static final int KEYS_BATCH = 500;
  /** Wrong pairing codes from one address in {@link KioskService#GUESS_WINDOW}; past it, 429. */
  static final int WRONG_CODES_PER_ADDRESS = 10;

  /** A screen as its point's list shows it. */
  public record Listed(String id, String label, Instant createdAt, String createdByName, Instant pairedAt,
                       Instant lastSeenAt, Instant codeExpiresAt) {}

  /** A new screen: its code, shown this once. */
  public record Pairing(String id, String label, String code, Instant expiresAt) {}

  /** What the screen keeps: its device token (and the point, to say where it is). */
  public record Paired(String token, KioskService.PointView point) {}

  private final Platform platform;
  private final KioskStore store;
  private final VisioEvents events;
  private final RateLimits limits;

  KioskPairing(Platform platform, KioskStore store, VisioEvents events, RateLimits limits) {
    this.platform = platform;
    this.store = store;
    this.events = events;
    this.limits = limits;
  }

  /**
   * A new screen of the point and its code. Sent again with its Idempotency-Key ({@code key}, or null) after its answer
   * was lost: the same person, point, name and key answer the same screen while it is neither paired nor revoked, with
   * a new code in place of the lost one (only hashes are kept: the first cannot be shown again, and pairs nothing any
   * more; V100). A second screen was made, and the admin read a code beside a screen that nobody would pair.
   */
  public Future<Pairing> create(Principal by, UUID pointId, String label, String key, String address) {
    Instant now = platform.clock().instant();
    String name = label == null ? "" : label.strip();
    if (name.isEmpty() || name.length() > 80) {
      return Future.failedFuture(ApiException.badRequest("Invalid field 'label': name the screen (1 to 80 characters)."));
    }
    String code = KioskSecrets.newCode();
    byte[] codeHash = KioskSecrets.hash(code);
    Instant expires = now.plus(CODE_LIFE);
    return pairable(by, pointId).compose(point -> point.active() ? Future.succeededFuture()
            : Future.failedFuture(ApiException.conflict("This point visio-accueil is withdrawn.")))
        .compose(v -> {
          byte[] keyHash = key == null ? null : KioskSecrets.hash(by.userId() + "\n" + pointId + "\n" + name + "\n" + key);
          // The new code is a line of the trail as the first one is: who, when, which screen (every code that may pair it).
          Supplier<Future<Optional<UUID>>> again = () -> keyHash == null ? Future.succeededFuture(Optional.empty())
              : platform.pool().withTransaction(tx -> store.createdAgain(tx, keyHash, codeHash, expires)
                  .compose(found -> found.isEmpty() ? Future.succeededFuture(found)
                      : KioskStore.audit(tx, found.get(), by.userId(), "point.kiosk_code_issued_again", "point", pointId,
                          address(by, address), now).map(found)));
          Supplier<Future<UUID>> made = () -> platform.pool().withTransaction(tx ->
              store.create(tx, pointId, name, codeHash, expires, keyHash, by.userId(), now)
                  .compose(id -> KioskStore.audit(tx, id, by.userId(), "point.kiosk_created", "point", pointId, address(by, address), now)
                      .map(id)));
          // Two sent at once meet at the key's unique index: the one refused there is answered as a retry.
          return again.get().compose(found -> found.isPresent() ? Future.succeededFuture(found.get())
              : made.get().recover(e -> Refused.is(e, KioskStore.Refusal.KEY_USED)
                  ? again.get().compose(first -> first.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(e)))
                  : Future.failedFuture(e)));
        })
        .map(id -> new Pairing(id.toString(), name, KioskSecrets.shown(code), expires));
  }

  /** A day after their screen was made, the creations' key hashes go (a job, as the other creations' keys). */
  public Future<Integer> forgetCreationKeys() {
    return forget(KioskStore.KeyHash.CREATION, CREATION_KEY_KEPT);
  }

  /**
   * {@link #CODE_LIFE} after their pairing, the pairings' key hashes go (a job): past it they pair nothing again (V97),
   * and were kept for ever.
   */
  public Future<Integer> forgetPairingKeys() {
    return forget(KioskStore.KeyHash.PAIRING, CODE_LIFE);
  }

  /** In short statements of {@link #KEYS_BATCH}, as the other purges: none holds the screens' rows long. */
  private Future<Integer> forget(KioskStore.KeyHash kind, Duration kept) {
    Instant before = platform.clock().instant().minus(kept);
    return Futures.inBatches(() -> store.forgetKeyHashes(platform.pool(), kind, before, KEYS_BATCH), KEYS_BATCH, 100);
  }

  public Future<List<Listed>> list(Principal by, UUID pointId) {
    return pairable(by, pointId).compose(v -> store.list(platform.pool(), pointId, platform.clock().instant()))
        .map(rows -> rows.stream().map(r -> new Listed(r.id(), r.label(), r.createdAt(), r.createdByName(), r.pairedAt(),
            r.lastSeenAt(), r.codeExpiresAt())).toList());
  }

  /** What a revocation answers: how many appointments the screen booked without any contact are still to come. */
  public record Revoked(int contactlessToCome) {}

  /**
   * Its hashes go, its check-ins too, and every node closes its sockets (4401): the screen shows the pairing form at once.
   * The appointments it booked without any contact stay booked: the answer says how many are still to come.
   */
  public Future<Revoked> revoke(Principal by, UUID pointId, UUID kioskId, String address) {
    Instant now = platform.clock().instant();
    return pairable(by, pointId).compose(v -> platform.pool().withTransaction(tx ->
        store.revoke(tx, pointId, kioskId, by.userId(), now).compose(done -> done
            ? KioskStore.audit(tx, kioskId, by.userId(), "point.kiosk_revoked", "point", pointId, address(by, address), now)
                .compose(w -> events.screenRevoked(tx, kioskId))
                .compose(w -> store.contactlessToCome(tx, kioskId, now)).map(Revoked::new)
            : Future.failedFuture(ApiException.notFound("This point has no such screen.")))));
  }

  /** An admin, or a mediator of the organisation that runs the point (a point no organisation runs: admins only). */
  private Future<KioskStore.PointOwner> pairable(Principal by, UUID pointId) {
    if (by == null) {
      return Future.failedFuture(ApiException.unauthorized("Sign in first: this needs an access token (Authorization: Bearer …)."));
    }
    if (!by.is(Role.ADMIN) && !by.is(Role.MEDIATOR)) {
      return Future.failedFuture(ApiException.forbidden(
          "Only an administrator or a mediator of the organisation running the point may pair its screens."));
    }
    return store.point(platform.pool(), pointId).compose(point -> {
      if (point.isEmpty()) {
        return Future.failedFuture(ApiException.notFound("No such point visio-accueil."));
      }
      if (by.is(Role.MEDIATOR) && !by.belongsTo(point.get().organisationId())) {
        return Future.failedFuture(ApiException.forbidden(
            "Only an administrator or a mediator of the organisation running the point may pair its screens."));
      }
      return Future.succeededFuture(point.get());
    });
  }

  /**
   * The screen spends its pairing code for its device token (a line of the audit trail by the screen). Wrong codes are
   * counted per address. Sent again with its Idempotency-Key ({@code key}, or null) after its answer was lost, the code
   * already spent: the same code and key within {@link #CODE_LIFE} of the pairing pair the same screen again, with a new
   * token in place of the lost one (only hashes are kept; V97). Whoever has the code without the key gets nothing more.
   */
  public Future<Paired> pair(String code, String key, String address) {
    Instant now = platform.clock().instant();
    String typed = KioskSecrets.normalised(code);
    List<RateLimits.Limit> fromHere = List.of(new RateLimits.Limit("kiosk-pair:" + address, WRONG_CODES_PER_ADDRESS));
    ApiException tooMany = ApiException.tooManyRequests("Too many wrong pairing codes from here; please try again later.");
    String token = KioskSecrets.newToken();
    byte[] keyHash = key == null ? null : KioskSecrets.hash(typed + "\n" + key);
    // Taken before the code is looked up (parallel guesses cannot all pass a check), given back when it pairs.
    return limits.take(fromHere, KioskService.GUESS_WINDOW, tooMany)
        .compose(taken -> (typed.length() != KioskSecrets.CODE_LENGTH ? Future.succeededFuture(Optional.<KioskStore.Screen>empty())
            : platform.pool().withTransaction(tx -> store.pair(tx, KioskSecrets.hash(typed), KioskSecrets.hash(token), keyHash, now)
                .compose(screen -> screen.isPresent() || keyHash == null ? Future.succeededFuture(screen)
                    : store.pairAgain(tx, keyHash, KioskSecrets.hash(token), now, CODE_LIFE))
                .compose(screen -> screen.isEmpty() ? Future.succeededFuture(screen)
                    : KioskStore.audit(tx, screen.get().id(), null, "point.kiosk_paired", "point", screen.get().pointId(), address, now)
                        .map(screen))))
            .compose(screen -> screen.isPresent()
                ? limits.giveBack(taken).map(new Paired(token, KioskService.view(screen.get())))
                : Future.failedFuture(ApiException.notFound(
                    "This code pairs no screen: it may be mistyped, used already or older than 15 minutes."))));
  }

  /** The address the staff member's request came from (as the rest of the trail records it). */
  private static String address(Principal by, String fallback) {
    return by.address() != null ? by.address() : fallback;
  }
}
