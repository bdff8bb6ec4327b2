package fr.cantou.visio;

import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;
import fr.cantou.platform.Ids;
import fr.cantou.platform.Platform;
import fr.cantou.platform.RateLimits;
import fr.cantou.platform.db.DatabaseErrors.Refused;
import fr.cantou.platform.http.ApiException;
import fr.cantou.rooms.JitsiRooms;
import fr.cantou.visio.MailStore.Mail;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import static fr.cantou.visio.AppointmentService.status;

/**
 * Bookings without double booking: an appointment booked, moved or cancelled. A booking and a
 * move choose their agent alike ({@link FirstFreeAgent}), from the calendars of the slot's day,
 * and the database's exclusion constraints judge every write. Long because a booking, a held
 * slot and a move share that write (its transaction, its retries, what a key sent again answers).
 */
public final class BookingService {
  /** The key was used already: rolled back, the earlier appointment answered; else said as hers existing (its kind). */
  private static final ApiException KEY_USED = ApiException.conflict("This booking was made already.").kind("booking-made");

  private final Platform platform;
  private final VisioConfig settings;
  private final BookingStore store;
  private final AppointmentStore appointmentStore;
  private final CalendarStore calendars;
  private final MailStore mails;
  private final CatalogueService catalogue;
  private final SlotService slots;
  private final AppointmentService appointments;
  private final VisioEvents events;
  private final ManageTokens tokens;
  private final JitsiRooms rooms;
  private final AnonymousBookings anonymous;
  private final FirstFreeAgent firstFree;

  BookingService(Platform platform, VisioConfig settings, BookingStore store, AppointmentStore appointmentStore,
                 CalendarStore calendars, MailStore mails, CatalogueService catalogue, SlotService slots,
                 AppointmentService appointments, VisioEvents events, ManageTokens tokens, JitsiRooms rooms,
                 RateLimits rateLimits) {
    this.platform = platform;
    this.settings = settings;
    this.store = store;
    this.appointmentStore = appointmentStore;
    this.calendars = calendars;
    this.mails = mails;
    this.catalogue = catalogue;
    this.slots = slots;
    this.appointments = appointments;
    this.events = events;
    this.tokens = tokens;
    this.rooms = rooms;
    this.anonymous = new AnonymousBookings(rateLimits, settings);
    this.firstFree = new FirstFreeAgent(platform, store);
  }

  private Instant now() {
    return platform.clock().instant();
  }

  // Booking.

  /**
   * Chooses among the agents the node keeps in memory for the slot's day, then writes in one
   * short transaction: the locks of the agent's time (never waited for), one statement for the
   * leave check, the appointment, its mails and the row answered, then the event. A refusal is
   * answered only from calendars read after the request arrived: what the node kept may miss a
   * cancellation another node made a moment ago.
   */
  public Future<Booked> book(Principal caller, VisioRecords.Booking asked, String idempotencyKey, String address) {
    boolean staff = caller != null && (caller.is(Role.MEDIATOR) || caller.is(Role.AGENT) || caller.is(Role.ADMIN));
    return book(Caller.of(caller, null, address), caller == null ? "anonymous" : caller.userId().toString(), asked,
        idempotencyKey, staff ? null : (email, phone) -> anonymous.of(address, email, phone), null);
  }

  /**
   * A booking by {@code who}, its Idempotency-Key in {@code scope}; {@code limitsOf}: the allowances it takes from (null:
   * none, a professional's); {@code alsoTaken} (null: none): another allowance, taken in the booking's write (a
   * screen's bookings without any contact, per day; {@link KioskBookings}).
   */
  Future<Booked> book(Caller who, String scope, VisioRecords.Booking asked, String idempotencyKey,
                      java.util.function.BiFunction<String, String, List<RateLimits.Limit>> limitsOf,
                      java.util.function.Function<SqlClient, Future<RateLimits.Taken>> alsoTaken) {
    CitizenContact contact;
    try {
      contact = CitizenContact.of(asked.citizen(), who);
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    String email = contact.email();
    String phone = contact.phone();
    String name = contact.name();
    VisioRecords.CitizenBody citizen = asked.citizen();
    VisioRecords.Booking body = new VisioRecords.Booking(asked.serviceId(), asked.start(), asked.pointId(),
        new VisioRecords.CitizenBody(name, citizen.email(), phone), asked.note(), asked.accessibility());
    IdempotencyKey key = idempotencyKey == null ? null : IdempotencyKey.of(scope, idempotencyKey, body);
    if (limitsOf == null) {
      return book(who, body, key, email, phone, NOTHING_LIMITED);
    }
    List<RateLimits.Limit> limits = limitsOf.apply(email, phone);
    // A retry of a booking already made is answered whatever the limits say, and counts nothing. Near a limit, its use
    // is taken in the booking's write, after the appointment (and its key): a send of a key still being written waits
    // for the first there and answers its booking, never a 429 for the use the first took.
    Future<UUID> earlier = key == null ? Future.succeededFuture() : replay(key);
    return earlier.compose(id -> id != null ? booked(id)
            : anonymous.admitted(limits, alsoTaken, limited -> book(who, body, key, email, phone, limited)))
        .recover(e -> key != null && AnonymousBookings.tooMany(e) ? answeredMeanwhile(key, e) : Future.failedFuture(e));
  }

  private static final Then NOTHING_LIMITED = (tx, a) -> Future.succeededFuture();

  /**
   * Refused by a limit at once (already over it) while the first sending of its key committed, its use with it, between
   * the replay looked and the limit was read: the booking it made, as a retry; {@code refusal} otherwise.
   */
  private Future<Booked> answeredMeanwhile(IdempotencyKey key, Throwable refusal) {
    return replay(key).compose(id -> id != null ? booked(id) : Future.failedFuture(refusal));
  }

  /** The booking this key made with this very request, if any (null otherwise). */
  private Future<UUID> replay(IdempotencyKey key) {
    return store.byIdempotencyKey(platform.pool(), key.scoped())
        .map(earlier -> earlier.filter(key::madeBy).map(BookingStore.KeyUse::appointmentId).orElse(null));
  }

  /** {@code limited}: what the write takes of her allowances once the appointment is in (in its transaction). */
  private Future<Booked> book(Caller who, VisioRecords.Booking body, IdempotencyKey key, String email, String phone,
                              Then limited) {
    Principal caller = who.principal();
    long asked = System.nanoTime();
    VisioRecords.CitizenBody citizen = body.citizen();
    UUID serviceId = Ids.field(body.serviceId(), "serviceId");
    UUID pointId = body.pointId() == null ? null : Ids.field(body.pointId(), "pointId");
    Instant start = body.start().toInstant();
    UUID bookedBy = caller != null && (caller.is(Role.MEDIATOR) || caller.is(Role.AGENT)) ? caller.userId() : null;
    BookingStore.NewAppointment draft = new BookingStore.NewAppointment(serviceId, null, pointId, start, null, null, null,
        citizen.name().trim(), email, phone, blankToNull(body.note()),
        body.accessibility() == null ? List.of() : body.accessibility(), bookedBy, key == null ? null : key.scoped(),
        rooms.newRoomName(AppointmentService.ROOM_PREFIX), key == null ? null : key.fingerprint(), who.screen());
    LocalDate day = body.start().toLocalDate();
    return slots.dayCalendars(serviceId, pointId, start, day, null)
        .compose(c -> insertWithFirstFreeAgent(c, draft, who, limited,
            () -> slots.dayCalendars(serviceId, pointId, start, day, null)))
        .recover(e -> refused(e) ? slots.dayCalendars(serviceId, pointId, start, day, asked)
            .compose(c -> insertWithFirstFreeAgent(c, draft, who, limited,
                () -> slots.dayCalendars(serviceId, pointId, start, day, asked)))
            : Future.failedFuture(e))
        .recover(e -> {
          if (key != null && (e == KEY_USED || refused(e))) {
            return store.byIdempotencyKey(platform.pool(), key.scoped()).compose(earlier -> earlier.isEmpty() ? Future.failedFuture(e)
                : key.madeBy(earlier.get()) ? booked(earlier.get().appointmentId())
                : Future.failedFuture(new ApiException(422, "This Idempotency-Key was used for another booking; "
                    + "send a new key with a new booking.")));
          }
          if (Refused.is(e, VisioStore.Refusal.POINT_TAKEN)) {
            return Future.failedFuture(ApiException.conflict("The point visio-accueil was just booked at this time. "
                + "Please choose another slot."));
          }
          return Future.failedFuture(e);
        });
  }

  private static boolean refused(Throwable e) {
    return e == FirstFreeAgent.NOT_FREE || e == FirstFreeAgent.TAKEN;
  }

  /** {@code calendars} are those known when the booking starts; {@code again} reads them as the node knows them later. */
  private Future<Booked> insertWithFirstFreeAgent(DayCalendars calendars, BookingStore.NewAppointment draft, Caller who,
                                                  Then limited, Supplier<Future<DayCalendars>> again) {
    List<Mail> mails = MailSchedule.mails(draft.start(), MailSchedule.channels(draft.citizenEmail(), draft.citizenPhone()),
        "confirmation", now());
    return insert(calendars, draft, "booked", mails, again, (tx, a) -> limited.apply(tx, a)
            .compose(v -> events.publish(tx, VisioEvents.BOOKED, a))
            .compose(v -> appointments.audited(tx, who, VisioEvents.BOOKED, a.id())))
        .onSuccess(a -> platform.metrics().booked())
        .map(a -> Booked.withLinks(a, tokens));
  }

  /** What a write does in its transaction once the appointment is in. */
  interface Then {
    Future<Void> apply(SqlClient tx, Appointment written);
  }

  /**
   * Holds a slot for someone on the waiting list: an appointment in state 'offered', written
   * like a booking (the same choice of agent, the same locks, the same exclusion constraints),
   * without mails; {@code then} claims the waiting entry in the same transaction.
   */
  Future<Appointment> hold(UUID serviceId, UUID pointId, Instant start, WaitingListStore.Entry entry, Then then) {
    BookingStore.NewAppointment draft = new BookingStore.NewAppointment(serviceId, null, pointId, start, null, null, null,
        entry.name(), entry.email(), entry.phone(), null, List.of(), null, null, rooms.newRoomName(AppointmentService.ROOM_PREFIX), null,
        null);
    return catalogue.serviceRow(serviceId).compose(service -> {
      LocalDate day = start.atZone(service.zone()).toLocalDate();
      return slots.dayCalendars(serviceId, pointId, start, day, null)
          .compose(c -> insert(c, draft, "offered", List.of(), () -> slots.dayCalendars(serviceId, pointId, start, day, null), then));
    });
  }

  private Future<Appointment> insert(DayCalendars calendars, BookingStore.NewAppointment draft, String status, List<Mail> mails,
                                     Supplier<Future<DayCalendars>> again, Then then) {
    CatalogueStore.ServiceRow service = calendars.service();
    Instant now = now();
    Instant end = draft.start().plus(Duration.ofMinutes(service.durationMinutes()));
    boolean[] first = {true};
    Supplier<Future<List<AgentChoice>>> candidates = () -> {
      Future<DayCalendars> c = first[0] ? Future.succeededFuture(calendars) : again.get();
      first[0] = false;
      return c.map(known -> known.freeAgents(draft.start(), now()));
    };
    return firstFree.write(candidates, new FirstFreeAgent.Period(draft.start(), end, draft.pointId()), (tx, agent) -> {
          BookingStore.NewAppointment row = new BookingStore.NewAppointment(draft.serviceId(), agent.agentId(), draft.pointId(),
              draft.start(), end, end.plus(agent.buffer()), References.next(service.prefix()), draft.citizenName(),
              draft.citizenEmail(), draft.citizenPhone(), draft.note(), draft.accessibility(), draft.bookedBy(),
              draft.idempotencyKey(), draft.roomName(), draft.idempotencyFingerprint(), draft.bookedAtKiosk());
          return store.insertAppointment(tx, row, status, now, mails, settings.joinOpensBefore()).compose(done -> done.away()
              ? Future.failedFuture(FirstFreeAgent.AGENT_AWAY)
              : done.appointment().map(a -> then.apply(tx, a).map(a))
                  .orElseGet(() -> Future.failedFuture(KEY_USED)));
        }, slots::booked);
  }

  /** A replay of the booking that made this appointment ({@link Booked#again}: a mediator, anyone who saw the request). */
  private Future<Booked> booked(UUID id) {
    return appointments.appointment(id).map(a -> Booked.again(a, tokens));
  }

  // Moving and cancelling.

  /** The same choice of agent as a booking, from calendars read without the appointment's own period. */
  public Future<Appointment> reschedule(Caller caller, UUID id, Instant start) {
    if (caller.principal() != null) {
      return move(caller, id, start);
    }
    // Checked by the rights first (get): a stranger's attempts never use up the citizen's moves.
    return appointments.get(caller, id).compose(a -> anonymous.takeMove(id, settings.citizenMovesPerDay()))
        .compose(taken -> move(caller, id, start)
            .recover(e -> anonymous.giveBack(taken).transform(v -> Future.<Appointment>failedFuture(e))));
  }

  private Future<Appointment> move(Caller caller, UUID id, Instant start) {
    return appointments.get(caller, id).compose(a -> {
      if (!"booked".equals(a.status())) {
        return Future.failedFuture(ApiException.conflict("This appointment is {0}; it can no longer be moved.", status(a.status())));
      }
      // Its service withdrawn since: the appointment is honoured where it is, and no other time is offered.
      return catalogue.serviceRow(UUID.fromString(a.serviceId())).recover(e -> Future.failedFuture(
          e instanceof ApiException refused && refused.status() == 404 ? NO_LONGER_OFFERED : e)).compose(service -> {
        ZoneId zone = service.zone();
        Instant end = start.plus(Duration.ofMinutes(service.durationMinutes()));
        Instant dayStart = start.atZone(zone).toLocalDate().atStartOfDay(zone).toInstant();
        Instant dayEnd = start.atZone(zone).toLocalDate().plusDays(1).atStartOfDay(zone).toInstant();
        UUID pointId = a.pointId() == null ? null : UUID.fromString(a.pointId());
        Supplier<Future<List<AgentChoice>>> candidates = () -> slots.calendars(service, pointId, dayStart,
            dayEnd.plus(SlotCache.DAY_OVERHANG), id).map(c -> c.freeAgents(start, now()));
        return firstFree.write(candidates, new FirstFreeAgent.Period(start, end, pointId),
                (tx, agent) -> requireNotAway(tx, agent.agentId(), start, end)
                    .compose(v -> store.reschedule(tx, id, agent.agentId(), start, end, end.plus(agent.buffer())))
                    .compose(done -> done ? mails.dropUntold(tx, id, now())
                        .compose(told -> mails.scheduleMails(tx, id, MailSchedule.moved(a, caller, start, now(), told)))
                        .compose(v -> appointments.load(tx, id))
                        // Its links are valid until another time: the sockets opened with them end then
                        // (written first: every node applies it before the move's event reaches the page).
                        .compose(after -> events.linksChanged(tx, id, after.manageTokenVersion(),
                            tokens.validUntil(after.end().toInstant())).map(after))
                        .compose(after -> events.publishMove(tx, a, after).map(after))
                        .compose(after -> appointments.audited(tx, caller, "appointment.rescheduled", id).map(after))
                        : Future.failedFuture(ApiException.conflict("This appointment can no longer be moved."))),
                after -> {
                  slots.bookingsChanged(a);
                  slots.bookingsChanged(after);
                })
            .recover(e -> Future.failedFuture(e == FirstFreeAgent.TAKEN ? FirstFreeAgent.NOT_FREE
                : Refused.is(e, VisioStore.Refusal.POINT_TAKEN)
                    ? ApiException.conflict("The point visio-accueil is taken at this time.") : e));
      });
    });
  }

  private Future<Void> requireNotAway(SqlClient tx, UUID agentId, Instant start, Instant end) {
    return calendars.onLeave(tx, agentId, start, end)
        .compose(away -> away ? Future.failedFuture(FirstFreeAgent.AGENT_AWAY) : Future.succeededFuture());
  }

  /**
   * Cancels a booked appointment. One already cancelled (a cancel sent again because its answer was lost on a weak
   * link, or sent from two pages at once) answers as it is, nothing written again: she asked for what is true. A
   * refusal names the status the appointment has when the cancel failed, not the one read before it.
   */
  public Future<Appointment> cancel(Caller caller, UUID id) {
    return appointments.get(caller, id).compose(a -> CANCELLED.equals(a.status()) ? Future.succeededFuture(a)
        : platform.pool().withTransaction(tx -> appointmentStore.transition(tx, id, List.of("booked"), CANCELLED, now())
            // Null: no longer booked when written (nothing was), said from its status then.
            .compose(done -> done ? mails.dropReminders(tx, id)
                .compose(v -> mails.scheduleMails(tx, id, MailSchedule.cancelled(a, caller, now())))
                .compose(v -> appointments.recorded(tx, id, caller, VisioEvents.CANCELLED, VisioEvents.CANCELLED))
                : Future.<Appointment>succeededFuture()))
            .compose(cancelled -> cancelled != null ? Future.succeededFuture(cancelled).onSuccess(this::cancelledNow)
                : appointments.get(caller, id).compose(now -> CANCELLED.equals(now.status()) ? Future.succeededFuture(now)
                    : Future.failedFuture(ApiException.conflict("This appointment is {0}; it can no longer be cancelled.",
                        status(now.status()))))));
  }

  private void cancelledNow(Appointment cancelled) {
    slots.bookingsChanged(cancelled);
    platform.metrics().cancelled("visio");
  }

  private static final ApiException NO_LONGER_OFFERED = ApiException.conflict("This service is no longer offered: the "
      + "appointment stays at its date and can no longer be moved. It can still be cancelled.");
  private static final String CANCELLED = "cancelled";

  private static String blankToNull(String value) {
    return CitizenContact.blankToNull(value);
  }
}
