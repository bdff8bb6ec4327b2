package fr.cantou.teleconsult;

import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;
import fr.cantou.platform.Platform;
import fr.cantou.platform.db.DatabaseErrors.Refused;
import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.Idempotent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What nurse and doctor add to a request once it exists, for a doctor judging from afar (issue
 * 16): vital signs measured later, the written exchange of a téléexpertise, and the doctor's
 * switch from a written opinion to a video call. Each is a step of the item like the queue's
 * ({@link TeleconsultService#recorded}): its timeline line, its audit line, its event.
 */
public final class CareExchangeService {
  /** At least one letter, digit or sign: a message of spaces (even unusual ones) says nothing. */
  private static final Pattern VISIBLE = Pattern.compile("[\\p{L}\\p{N}\\p{P}\\p{S}]");
  private static final ApiException MESSAGE_KEY_REUSED = new ApiException(422, "This Idempotency-Key was used for another "
      + "message; send a new key with a new message.");
  /**
   * Her message sent again after she gave the request back: it was written (before the give-back), and the request is
   * no longer hers to see. Said as such, never as a refusal to write, and without the item (its health data).
   */
  private static final ApiException SENT_BEFORE_GIVEN_BACK = ApiException.conflict("Your message was sent: it was written "
      + "before you gave this request back. The request is no longer yours, so it is not shown to you any more.");
  private static final ApiException VITAL_SIGNS_KEY_REUSED = new ApiException(422, "This Idempotency-Key was used for "
      + "other vital signs; send a new key with new vital signs.");

  private final Platform platform;
  private final TeleconsultService requests;
  private final TeleconsultStore store;
  private final VitalSignsStore vitals;
  private final ExchangeStore exchange;

  CareExchangeService(Platform platform, TeleconsultService requests, TeleconsultStore store, VitalSignsStore vitals,
                      ExchangeStore exchange) {
    this.platform = platform;
    this.requests = requests;
    this.store = store;
    this.vitals = vitals;
    this.exchange = exchange;
  }

  /**
   * A nurse of the requesting organisation adds a set of vital signs while the request is open:
   * a line of its timeline (which measures, when taken; the values stay in the item, erased with
   * it), and the item to whoever may see it.
   */
  public Future<Teleconsultation> addVitalSigns(Principal nurse, UUID id, VitalSigns.Measured signs, String idempotencyKey) {
    if (!nurse.is(Role.NURSE)) {
      return Future.failedFuture(ApiException.forbidden("Only a nurse of the requesting organisation may add vital signs."));
    }
    Instant now = platform.clock().instant();
    Optional<ApiException> implausible = VitalSignRanges.refusal(signs, now);
    if (implausible.isPresent()) {
      return Future.failedFuture(implausible.get());
    }
    Instant measuredAt = VitalSignRanges.measuredAt(signs, now);
    Idempotent sent = Idempotent.of(idempotencyKey, List.of(id, signs));
    return requests.load(id).compose(item -> {
      if (!TeleconsultRights.isNurseSide(nurse, item)) {
        return Future.failedFuture(ApiException.forbidden("Only a nurse of the requesting organisation may add vital signs."));
      }
      // Sent again with its key (its answer lost): the item that holds the set, recorded once, told once.
      return Idempotent.once(sent, () -> vitals.byIdempotencyKey(platform.pool(), nurse.userId(), idempotencyKey), requests::load,
          () -> platform.pool().withTransaction(tx -> vitals.add(tx, id, signs, measuredAt, nurse.userId(), now, sent)
              .compose(added -> added ? requests.recorded(tx, id, nurse, "vital_signs", new JsonObject()
                      .put("measuredAt", measuredAt.toString()).put("measures", new JsonArray(signs.names())), now,
                      TeleconsultEvents.UPDATED)
                  : vitals.count(tx, id).compose(n -> Future.failedFuture(n >= VitalSignsStore.MOST_SETS
                      ? ApiException.conflict("This request holds {0} sets of vital signs, the most it can; start a new request.",
                          VitalSignsStore.MOST_SETS)
                      : ApiException.conflict("This teleconsultation is {0}; vital signs are added while it is open.",
                          TeleconsultService.status(item)))))),
          e -> Refused.is(e, VitalSignsStore.Refusal.KEY_USED), VITAL_SIGNS_KEY_REUSED);
    });
  }

  /**
   * Nurse or doctor writes on the item (the written exchange of a téléexpertise, or beside a
   * call): once a doctor has taken it and until it closes. The timeline says who wrote, not what.
   */
  public Future<Teleconsultation> write(Principal p, UUID id, String typed, String idempotencyKey) {
    Instant now = platform.clock().instant();
    String text = typed.strip();
    if (TeleconsultService.CONTROL.matcher(text).find() || !VISIBLE.matcher(text).find()) {
      return Future.failedFuture(ApiException.badRequest("Invalid field 'text': a message of words, without control characters."));
    }
    Idempotent sent = Idempotent.of(idempotencyKey, List.of(id, text));
    return requests.load(id).compose(item -> {
      boolean nurseSide = TeleconsultRights.isNurseSide(p, item);
      if (!nurseSide && !(p.is(Role.DOCTOR) && p.userId().toString().equals(item.doctorId()))) {
        return sentBeforeGivenBack(p, id, sent).compose(wasSent -> Future.failedFuture(wasSent ? SENT_BEFORE_GIVEN_BACK
            : ApiException.forbidden("Only the care home's nurses and the doctor who took the request write on it.")));
      }
      String side = nurseSide ? "nurse" : "doctor";
      // Sent again with its key (its answer lost): the item that holds it, written once, told once.
      return Idempotent.once(sent, () -> exchange.byIdempotencyKey(platform.pool(), p.userId(), idempotencyKey), requests::load,
          () -> platform.pool().withTransaction(tx -> exchange.add(tx, id, p.userId(), side, text, now, sent)
              .compose(added -> added ? requests.recorded(tx, id, p, "message", new JsonObject().put("side", side), now,
                      TeleconsultEvents.MESSAGE)
                  : refusedMessage(tx, id, p, nurseSide))),
          e -> Refused.is(e, ExchangeStore.Refusal.KEY_USED), MESSAGE_KEY_REUSED);
    });
  }

  /**
   * Whether this very message (its key, its text, this item) was written by her already: a doctor's retry after she
   * gave the request back, whose first sending was written while it was hers.
   */
  private Future<Boolean> sentBeforeGivenBack(Principal p, UUID id, Idempotent sent) {
    return sent == null ? Future.succeededFuture(false) : exchange.byIdempotencyKey(platform.pool(), p.userId(), sent.key())
        .map(made -> made.isPresent() && made.get().id().equals(id) && sent.madeBy(made.get().fingerprint()));
  }

  /** Why a message was not written, from the item as it is now (it may have changed since it was read). */
  private Future<Teleconsultation> refusedMessage(SqlClient tx, UUID id, Principal p, boolean nurseSide) {
    return exchange.count(tx, id).compose(n -> n >= ExchangeStore.MOST_MESSAGES
        ? Future.failedFuture(ApiException.conflict("This request holds {0} messages, the most it can.", ExchangeStore.MOST_MESSAGES))
        : store.find(tx, id, platform.clock().instant()).compose(fresh -> {
          Teleconsultation item = fresh.orElseThrow();
          if (!nurseSide && !p.userId().toString().equals(item.doctorId())) {
            return Future.failedFuture(ApiException.forbidden(
                "Only the care home's nurses and the doctor who took the request write on it."));
          }
          return Future.failedFuture(ApiException.conflict("This teleconsultation is {0}; messages are written once a doctor "
              + "has taken it and until it closes.", TeleconsultService.status(item)));
        }));
  }

  /** The doctor of a written opinion decides she must see the resident: the request becomes a video call. */
  public Future<Teleconsultation> toVideo(Principal doctor, UUID id) {
    Instant now = platform.clock().instant();
    return requests.load(id).compose(item -> {
      if (!doctor.is(Role.DOCTOR) || !doctor.userId().toString().equals(item.doctorId())) {
        return Future.failedFuture(ApiException.forbidden("Only the doctor who took this teleconsultation may do this."));
      }
      return platform.pool().withTransaction(tx -> store.toVideo(tx, id, doctor.userId(), now).compose(changed -> changed
          ? requests.recorded(tx, id, doctor, "video_requested", new JsonObject(), now, TeleconsultEvents.UPDATED)
          : Future.failedFuture(ApiException.conflict("Only a written opinion you hold, not yet closed, can become a video call."))));
    });
  }
}
