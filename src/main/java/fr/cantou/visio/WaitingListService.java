package fr.cantou.visio;

import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;
import fr.cantou.platform.Platform;
import fr.cantou.platform.RateLimits;
import fr.cantou.platform.db.DatabaseErrors.Refused;
import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.Idempotent;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The waiting list as the citizen and the agents see it: joining a full service's line, the
 * place and the offer held (with the entry's secret, as the manage link of an appointment),
 * taking it (a booking like any other), declining it, leaving the list; and how long a service's
 * line is. Offers are made and expire in {@link OfferJob}.
 */
public final class WaitingListService {
  private static final ApiException PLACE_KEY_REUSED = new ApiException(422, "This Idempotency-Key was used for another "
      + "place on a waiting list; send a new key with a new request.");
  /** How long after a take her place's link answers it again: a retry's time, not a lasting key to the appointment. */
  static final Duration TAKE_ANSWERED_AGAIN = Duration.ofMinutes(15);

  static final ApiException NO_OFFER = ApiException.conflict("No slot is held for you now: it was taken, declined or has expired.");

  private final Platform platform;
  private final WaitingListStore store;
  private final CatalogueService catalogue;
  private final AppointmentService appointments;
  private final MailStore mails;
  private final VisioEvents events;
  private final ManageTokens tokens;
  private final SlotService slots;
  private final AnonymousBookings anonymous;

  WaitingListService(Platform platform, VisioConfig settings, WaitingListStore store, CatalogueService catalogue,
                     AppointmentService appointments, MailStore mails, VisioEvents events, ManageTokens tokens, SlotService slots,
                     RateLimits rateLimits) {
    this.platform = platform;
    this.store = store;
    this.catalogue = catalogue;
    this.appointments = appointments;
    this.mails = mails;
    this.events = events;
    this.tokens = tokens;
    this.slots = slots;
    this.anonymous = new AnonymousBookings(rateLimits, "waiting", settings, ApiException.tooManyRequests("Too many waiting-list requests from here "
            + "or for this person in the last hour; please try again later or call the service."));
  }

  private Instant now() {
    return platform.clock().instant();
  }

  /**
   * A place at the end of the service's line; someone not signed in is limited like an anonymous booking. Asked again
   * with its Idempotency-Key (the answer lost on a weak link), the place the first request made is answered with its
   * secret, whatever the limits say and counting nothing; the same key with another body is refused.
   */
  public Future<VisioRecords.WaitingEntry> join(Principal caller, VisioRecords.WaitingBody body, String address,
                                                String idempotencyKey) {
    CitizenContact contact;
    UUID serviceId;
    UUID pointId;
    try {
      contact = CitizenContact.of(body.citizen());
      serviceId = fr.cantou.platform.Ids.field(body.serviceId(), "serviceId");
      pointId = body.pointId() == null || body.pointId().isBlank() ? null : fr.cantou.platform.Ids.field(body.pointId(), "pointId");
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    boolean staff = caller != null && (caller.is(Role.MEDIATOR) || caller.is(Role.AGENT) || caller.is(Role.ADMIN));
    List<RateLimits.Limit> limits = staff ? List.of() : anonymous.of(address, contact.email(), contact.phone());
    // Scoped like a booking's key: someone who learnt another's key (and her answers) gets no secret from another scope.
    String scope = caller == null ? "anonymous" : caller.userId().toString();
    Idempotent sent = Idempotent.scoped(scope, idempotencyKey, body);
    // Taken in the transaction that puts her in line, after her place (and its key) is written: a send of the same key
    // meanwhile waits for it at the key's index and answers her place, where counting first said 429 to her retry.
    Supplier<Future<UUID>> joined = () -> catalogue.serviceRow(serviceId)
        .compose(service -> platform.pool().withTransaction(tx -> store.join(tx, serviceId, pointId, contact.name(),
                contact.email(), contact.phone(), contact.key(), now(), sent)
            .compose(id -> anonymous.takeIn(tx, limits).map(id))));
    // Two sent at once may meet at the line's unique index before the key's: either is the retry's.
    return Idempotent.once(sent, () -> store.byIdempotencyKey(platform.pool(), sent.key()), Future::succeededFuture, joined,
            e -> Refused.is(e, WaitingListStore.Refusal.KEY_USED) || Refused.is(e, WaitingListStore.Refusal.ALREADY_WAITING),
            PLACE_KEY_REUSED)
        .recover(e -> Future.failedFuture(Refused.is(e, WaitingListStore.Refusal.ALREADY_WAITING)
            ? ApiException.conflict("This person is already on this service's waiting list; the link to her place was given then.")
            : Refused.is(e, WaitingListStore.Refusal.NO_SUCH_POINT)
                ? ApiException.badRequest("Invalid field 'pointId': no such point visio-accueil.") : e))
        .compose(id -> view(id, tokens.issueWaiting(id)));
  }

  /** Her place and the slot held for her, with the entry's secret. */
  public Future<VisioRecords.WaitingEntry> entry(Caller caller, UUID id) {
    return requireHolder(caller, id).compose(v -> view(id, null));
  }

  /**
   * She takes the slot held for her: booked as any booking (confirmation, reminders, manage link). Taken already, a
   * few minutes ago, by her place's link: the same answer again — the first one lost on a weak link, "Réessayez" said
   * "no slot held for you" to someone who had her appointment (its link only in that answer and in a mail to come) —
   * its links only while she has not renewed them (outside review, session 32: the place's link, which never changes,
   * answered the links she had just renewed to void the ones someone saw).
   */
  public Future<Booked> take(Caller caller, UUID id) {
    return requireHolder(caller, id).compose(v -> platform.pool().withTransaction(tx -> store.take(tx, id, now())
            .compose(taken -> taken.isEmpty() ? Future.succeededFuture(Optional.<Appointment>empty())
                : booked(tx, caller, taken.get()).onSuccess(a -> platform.metrics().booked()).map(Optional::of))))
        .compose(booked -> booked.isPresent() ? Future.succeededFuture(Booked.withLinks(booked.get(), tokens))
            : takenJustNow(id).map(a -> Booked.again(a, tokens)));
  }

  private Future<Appointment> takenJustNow(UUID id) {
    return store.takenSince(platform.pool(), id, now().minus(TAKE_ANSWERED_AGAIN))
        .compose(taken -> taken.isEmpty() ? Future.<Appointment>failedFuture(NO_OFFER)
            : appointments.load(platform.pool(), taken.get()))
        .compose(a -> "booked".equals(a.status()) ? Future.succeededFuture(a) : Future.failedFuture(NO_OFFER));
  }

  private Future<Appointment> booked(SqlClient tx, Caller caller, UUID appointmentId) {
    return appointments.load(tx, appointmentId).compose(a -> mails.scheduleMails(tx, appointmentId,
            MailSchedule.mails(a.start().toInstant(), MailSchedule.channels(a), "confirmation", now()))
        .compose(v -> events.publish(tx, VisioEvents.BOOKED, a))
        .compose(v -> appointments.audited(tx, caller, VisioEvents.BOOKED, a.id()))
        .map(a));
  }

  /** She does not want the slot held for her: it goes to the next in line; she keeps her place for another. */
  public Future<VisioRecords.WaitingEntry> decline(Caller caller, UUID id) {
    return requireHolder(caller, id).compose(v -> release(id, "declined", "waiting"))
        .compose(released -> released.isEmpty() ? Future.failedFuture(NO_OFFER) : view(id, null));
  }

  /** She leaves the list ("Ne plus être sur la liste d'attente"): a slot held for her is let go, nothing about her stays. */
  public Future<VisioRecords.WaitingEntry> leave(Caller caller, UUID id) {
    return requireHolder(caller, id)
        .compose(v -> platform.pool().withTransaction(tx -> leave(tx, id)))
        .onSuccess(released -> released.forEach(this::slotsChanged))
        .compose(released -> view(id, null));
  }

  /** The place closed in {@code tx}, a slot held for her let go first; the caller tells the slots ({@link #slotsChanged}). */
  Future<List<WaitingListStore.Released>> leave(SqlClient tx, UUID id) {
    return release(tx, id, "left", "left").compose(released -> store.leave(tx, id, now()).map(released));
  }

  private Future<List<WaitingListStore.Released>> release(UUID id, String outcome, String state) {
    return platform.pool().withTransaction(tx -> release(tx, id, outcome, state))
        .onSuccess(released -> released.forEach(this::slotsChanged));
  }

  private Future<List<WaitingListStore.Released>> release(SqlClient tx, UUID id, String outcome, String state) {
    return store.release(tx, id, outcome, state, now(), 1)
        .compose(released -> released.isEmpty() ? Future.succeededFuture(released)
            : events.slotReleased(tx, released.get(0)).map(released));
  }

  /** This node's slots at once (the others follow the event). */
  void slotsChanged(WaitingListStore.Released r) {
    slots.bookingsChanged(r.start(), r.end());
  }

  /** How many wait in the service's line: for its administration's agents and the admins. */
  public Future<VisioRecords.WaitingLength> length(Principal p, UUID serviceId) {
    return catalogue.serviceRow(serviceId).compose(service -> {
      if (!(p.is(Role.ADMIN) || p.is(Role.AGENT) && p.belongsTo(service.organisationId()))) {
        return Future.failedFuture(ApiException.forbidden("Only an agent of {0} may see its waiting list.", service.administration()));
      }
      return store.length(platform.pool(), serviceId)
          .map(l -> new VisioRecords.WaitingLength(serviceId.toString(), l.waiting(), l.offered()));
    });
  }

  Future<Void> requireHolder(Caller caller, UUID id) {
    if (caller.manageToken() == null) {
      return Future.failedFuture(caller.principal() == null
          ? ApiException.unauthorized("Give the secret of your place on the waiting list (the link you were given).")
          : ApiException.forbidden("Only the person on the waiting list, with her link, may do this."));
    }
    if (!tokens.opensWaiting(caller.manageToken(), id)) {
      return Future.failedFuture(ApiException.forbidden("Only the person on the waiting list, with her link, may do this."));
    }
    return Future.succeededFuture();
  }

  private Future<VisioRecords.WaitingEntry> view(UUID id, String token) {
    return store.view(platform.pool(), id).map(found -> found.map(v -> {
      ZoneId zone = v.offer() == null ? null : ZoneId.of(v.offer().timeZone());
      VisioRecords.WaitingOffer offer = v.offer() == null ? null : new VisioRecords.WaitingOffer(
          VisioStore.local(v.offer().start(), zone), VisioStore.local(v.offer().end(), zone), v.offer().pointName(),
          v.offer().pointCommune(), VisioStore.local(v.offer().expiresAt(), zone),
          OfferMails.minutesLeft(now(), v.offer().expiresAt()), v.offer().timeZone());
      return new VisioRecords.WaitingEntry(v.id().toString(), token, v.serviceId().toString(), v.serviceName(),
          v.administration(), v.pointId() == null ? null : v.pointId().toString(), v.state(),
          VisioStore.utc(v.joinedAt()), v.ahead(), offer);
    }).orElseThrow(() -> ApiException.notFound("No such place on a waiting list.")));
  }
}
