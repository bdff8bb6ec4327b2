package fr.cantou.visio;

import fr.cantou.identity.AccessAuditStore;
import fr.cantou.identity.ChangeAuditStore;
import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;
import fr.cantou.platform.EncodedJson;
import fr.cantou.platform.Ids;
import fr.cantou.platform.Json;
import fr.cantou.platform.Platform;
import fr.cantou.platform.db.DatabaseErrors.Refused;
import fr.cantou.platform.db.PersonalDataAudit;
import fr.cantou.platform.PhoneNumbers;
import fr.cantou.platform.RateLimits;
import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.ProblemTexts;
import fr.cantou.rooms.JitsiRooms;
import fr.cantou.rooms.JoinInfo;
import fr.cantou.rooms.Participant;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The rules of visio-accueil: slots, bookings without double booking, changes, the meeting.
 * Over 300 lines, knowingly: it is to be split along its section comments (catalogue, slots,
 * booking, the meeting, personal data) once the agents' undo work on visio/ has landed (issue 14).
 */
public final class VisioService {
  static final int LONGEST_RANGE_DAYS = 62;
  /** Join answers stop at the end; a token already handed out lasts a little longer, so a call that overruns goes on. */
  static final Duration ROOM_OPEN_AFTER_END = Duration.ofMinutes(30);

  private final Platform platform;
  private final VisioStore store;
  private final VisioEvents events;
  private final ManageTokens tokens;
  private final JitsiRooms rooms;
  private final SlotCache slotCache;
  private final AnonymousBookings anonymous;
  private final FirstFreeAgent firstFree;
  private final VisioConfig settings;

  VisioService(Platform platform, VisioConfig settings, VisioStore store, VisioEvents events, ManageTokens tokens,
               JitsiRooms rooms, SlotCache slotCache, RateLimits rateLimits) {
    this.platform = platform;
    this.settings = settings;
    this.store = store;
    this.events = events;
    this.tokens = tokens;
    this.rooms = rooms;
    this.slotCache = slotCache;
    this.anonymous = new AnonymousBookings(rateLimits, settings);
    this.firstFree = new FirstFreeAgent(platform, store);
  }

  private Instant now() {
    return platform.clock().instant();
  }

  private Duration opens() {
    return settings.joinOpensBefore();
  }

  // Catalogue.

  public Future<List<VisioRecords.Service>> services() {
    return store.services(platform.pool()).map(rows -> rows.stream().map(VisioService::view).toList());
  }

  public Future<VisioRecords.Service> service(UUID id) {
    return serviceRow(id).map(VisioService::view);
  }

  private Future<VisioStore.ServiceRow> serviceRow(UUID id) {
    return store.service(platform.pool(), id).map(found -> found.orElseThrow(() -> ApiException.notFound("No such service.")));
  }

  static VisioRecords.Service view(VisioStore.ServiceRow s) {
    return new VisioRecords.Service(s.id().toString(), s.name(), s.administration(), s.organisationId().toString(),
        s.durationMinutes(), s.description(), s.documents(), s.zone().getId());
  }

  public Future<List<VisioRecords.Point>> points() {
    return store.points(platform.pool());
  }

  // Slots.

  /** The free slots, as JSON: computed days are kept by the {@link SlotCache}, filtered here by the time now. */
  public Future<EncodedJson> slots(UUID serviceId, LocalDate from, LocalDate to, UUID pointId) {
    if (to.isBefore(from)) {
      return Future.failedFuture(ApiException.badRequest("Invalid query parameter 'to': before 'from'."));
    }
    if (ChronoUnit.DAYS.between(from, to) >= LONGEST_RANGE_DAYS) {
      return Future.failedFuture(ApiException.badRequest("Invalid query parameter 'to': at most {0} days from 'from'.", LONGEST_RANGE_DAYS));
    }
    Instant now = now();
    return slotCache.days(serviceId, pointId, from, to, (first, last) -> openDays(serviceId, pointId, first, last))
        .map(days -> SlotCache.bookable(days, now));
  }

  /** Every day from {@code first} to {@code last} with its open slots, from one read of the calendars. */
  private Future<Map<LocalDate, SlotCache.Day>> openDays(UUID serviceId, UUID pointId, LocalDate first, LocalDate last) {
    long readAt = System.nanoTime();
    return serviceRow(serviceId).compose(service -> {
      ZoneId zone = service.zone();
      Instant start = first.atStartOfDay(zone).toInstant();
      Instant end = last.plusDays(1).atStartOfDay(zone).toInstant().plus(SlotCache.DAY_OVERHANG);
      return calendars(service, pointId, start, end, null).map(c -> {
        SlotCalculator calculator = new SlotCalculator(zone, Duration.ofMinutes(service.durationMinutes()));
        Map<LocalDate, List<SlotCalculator.OpenSlot>> byDay = new java.util.HashMap<>();
        for (SlotCalculator.OpenSlot slot : calculator.openSlots(c.agents(), c.point(), first, last)) {
          byDay.computeIfAbsent(slot.start().atZone(zone).toLocalDate(), d -> new ArrayList<>()).add(slot);
        }
        Map<LocalDate, SlotCache.Day> days = new java.util.HashMap<>();
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
          List<SlotCalculator.OpenSlot> slots = byDay.getOrDefault(day, List.of());
          Instant readFrom = day.atStartOfDay(zone).toInstant();
          Instant readTo = day.plusDays(1).atStartOfDay(zone).toInstant().plus(SlotCache.DAY_OVERHANG);
          days.put(day, SlotCache.Day.of(readFrom, readTo, readAt,
              DayCalendars.within(service, c.agents(), c.point(), readFrom, readTo), slots));
        }
        return days;
      });
    });
  }

  private Future<DayCalendars> calendars(VisioStore.ServiceRow service, UUID pointId, Instant from, Instant to, UUID except) {
    Future<List<SlotCalculator.AgentCalendar>> agents = store.agentCalendars(platform.pool(), service.id(), from, to, except);
    Future<Optional<SlotCalculator.PointCalendar>> point = pointId == null ? Future.succeededFuture(Optional.empty())
        : store.pointCalendar(platform.pool(), pointId, from, to, except);
    return Future.all(agents, point).map(all -> {
      if (pointId != null && point.result().isEmpty()) {
        throw ApiException.badRequest("Invalid field 'pointId': no such point visio-accueil.");
      }
      return new DayCalendars(service, agents.result(), point.result().orElse(null));
    });
  }

  // Booking.

  /** The idempotency key was used already: the transaction is rolled back, and the earlier appointment answered. */
  private static final ApiException KEY_USED = ApiException.conflict("This booking was made already.");

  /**
   * Chooses among the agents the node keeps in memory for the slot's day, then writes in one
   * short transaction: the locks of the agent's time (never waited for), one statement for the
   * leave check, the appointment, its mails and the row answered, then the event. A refusal is
   * answered only from calendars read after the request arrived: what the node kept may miss a
   * cancellation another node made a moment ago.
   */
  public Future<Booked> book(Principal caller, VisioRecords.Booking asked, String idempotencyKey, String address) {
    VisioRecords.CitizenBody citizen = asked.citizen();
    String email = blankToNull(citizen.email());
    String typedPhone = blankToNull(citizen.phone());
    // Written one way whatever was typed (spaces, dots, +33…): "06 12 34 56 78".
    String phone = typedPhone == null ? null : PhoneNumbers.written(typedPhone).orElseThrow(() -> ApiException.badRequest(
        "Invalid field 'citizen.phone': a phone number such as 06 39 98 12 34 or +33 6 39 98 12 34."));
    if (email == null && phone == null) {
      return Future.failedFuture(ApiException.badRequest("Invalid field 'citizen': give an e-mail address or a phone number, to be reached."));
    }
    String name = PersonName.clean(citizen.name()).orElseThrow(() -> ApiException.badRequest("Invalid field 'citizen.name': "
        + "a name on one line, as on a form: letters, spaces, apostrophes, hyphens, commas, parentheses, at most eight words."));
    VisioRecords.Booking body = new VisioRecords.Booking(asked.serviceId(), asked.start(), asked.pointId(),
        new VisioRecords.CitizenBody(name, citizen.email(), phone), asked.note(), asked.accessibility());
    IdempotencyKey key = idempotencyKey == null ? null : IdempotencyKey.of(caller, idempotencyKey, body);
    boolean staff = caller != null && (caller.is(Role.MEDIATOR) || caller.is(Role.AGENT) || caller.is(Role.ADMIN));
    if (staff) {
      return book(caller, body, key, email, phone, address);
    }
    List<RateLimits.Limit> limits = anonymous.of(address, email, phone);
    return anonymous.check(limits)
        // A retry of a booking already made is answered whatever the limits say.
        .recover(e -> key == null ? Future.failedFuture(e) : replay(key).compose(earlier -> earlier == null
            ? Future.failedFuture(e) : Future.succeededFuture()))
        .compose(v -> book(caller, body, key, email, phone, address))
        .compose(booked -> anonymous.record(limits).map(booked));
  }

  /** The booking this key made with this very request, if any (null otherwise). */
  private Future<UUID> replay(IdempotencyKey key) {
    return store.byIdempotencyKey(platform.pool(), key.scoped())
        .map(earlier -> earlier.filter(key::madeBy).map(VisioStore.KeyUse::appointmentId).orElse(null));
  }

  private Future<Booked> book(Principal caller, VisioRecords.Booking body, IdempotencyKey key, String email, String phone,
                              String address) {
    Caller who = Caller.of(caller, null, address);
    long asked = System.nanoTime();
    VisioRecords.CitizenBody citizen = body.citizen();
    UUID serviceId = Ids.field(body.serviceId(), "serviceId");
    UUID pointId = body.pointId() == null ? null : Ids.field(body.pointId(), "pointId");
    Instant start = body.start().toInstant();
    UUID bookedBy = caller != null && (caller.is(Role.MEDIATOR) || caller.is(Role.AGENT)) ? caller.userId() : null;
    VisioStore.NewAppointment draft = new VisioStore.NewAppointment(serviceId, null, pointId, start, null, null, null,
        citizen.name().trim(), email, phone, blankToNull(body.note()),
        body.accessibility() == null ? List.of() : body.accessibility(), bookedBy, key == null ? null : key.scoped(),
        rooms.newRoomName("cantou-va"), key == null ? null : key.fingerprint());
    LocalDate day = body.start().toLocalDate();
    return dayCalendars(serviceId, pointId, start, day, null)
        .compose(c -> insertWithFirstFreeAgent(c, draft, who, () -> dayCalendars(serviceId, pointId, start, day, null)))
        .recover(e -> refused(e) ? dayCalendars(serviceId, pointId, start, day, asked)
            .compose(c -> insertWithFirstFreeAgent(c, draft, who, () -> dayCalendars(serviceId, pointId, start, day, asked)))
            : Future.failedFuture(e))
        .recover(e -> {
          if (e == KEY_USED || key != null && refused(e)) {
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

  /**
   * The calendars of the slot's day as the node keeps them (read after {@code since}, a
   * {@link System#nanoTime()}, unless null). The day is the service's local one, known once
   * the service is: the day the client wrote is tried first.
   */
  private Future<DayCalendars> dayCalendars(UUID serviceId, UUID pointId, Instant start, LocalDate day, Long since) {
    SlotCache.Loader loader = (first, last) -> openDays(serviceId, pointId, first, last);
    Future<SlotCache.Day> kept = since == null
        ? slotCache.days(serviceId, pointId, day, day, loader).map(days -> days.get(0))
        : slotCache.dayReadSince(serviceId, pointId, day, since, loader);
    return kept.compose(d -> {
      LocalDate local = start.atZone(d.calendars().service().zone()).toLocalDate();
      return local.equals(day) ? Future.succeededFuture(d.calendars()) : dayCalendars(serviceId, pointId, start, local, since);
    });
  }

  /** {@code calendars} are those known when the booking starts; {@code again} reads them as the node knows them later. */
  private Future<Booked> insertWithFirstFreeAgent(DayCalendars calendars, VisioStore.NewAppointment draft, Caller who,
                                                  Supplier<Future<DayCalendars>> again) {
    VisioStore.ServiceRow service = calendars.service();
    Instant now = now();
    Instant end = draft.start().plus(Duration.ofMinutes(service.durationMinutes()));
    List<VisioStore.Mail> mails = mails(draft.start(), draft.citizenEmail() != null, "confirmation", now);
    boolean[] first = {true};
    Supplier<Future<List<AgentChoice>>> candidates = () -> {
      Future<DayCalendars> c = first[0] ? Future.succeededFuture(calendars) : again.get();
      first[0] = false;
      return c.map(known -> known.freeAgents(draft.start(), now()));
    };
    return firstFree.write(candidates, new FirstFreeAgent.Period(draft.start(), end, draft.pointId()), (tx, agent) -> {
          VisioStore.NewAppointment row = new VisioStore.NewAppointment(draft.serviceId(), agent.agentId(), draft.pointId(),
              draft.start(), end, end.plus(agent.buffer()), References.next(service.prefix()), draft.citizenName(),
              draft.citizenEmail(), draft.citizenPhone(), draft.note(), draft.accessibility(), draft.bookedBy(),
              draft.idempotencyKey(), draft.roomName(), draft.idempotencyFingerprint());
          return store.insertAppointment(tx, row, now, mails, opens()).compose(done -> done.away()
              ? Future.failedFuture(FirstFreeAgent.AGENT_AWAY)
              : done.appointment().map(a -> events.publish(tx, VisioEvents.BOOKED, a)
                      .compose(v -> audited(tx, who, VisioEvents.BOOKED, a.id())).map(a))
                  .orElseGet(() -> Future.failedFuture(KEY_USED)));
        }, this::booked)
        .onSuccess(a -> platform.metrics().booked())
        .map(a -> new Booked(a, tokens.issue(a)));
  }

  /** The first mail at once, and the reminders still to come. */
  private static List<VisioStore.Mail> mails(Instant start, boolean hasEmail, String first, Instant now) {
    if (!hasEmail) {
      return List.of();
    }
    List<VisioStore.Mail> mails = new ArrayList<>(List.of(new VisioStore.Mail(first, now)));
    mails.addAll(reminders(start, now));
    return mails;
  }

  /** The reminders of an appointment at {@code start} still to come at {@code now}. */
  static List<VisioStore.Mail> reminders(Instant start, Instant now) {
    List<VisioStore.Mail> mails = new ArrayList<>();
    for (Map.Entry<String, Duration> reminder : List.of(Map.entry("reminder_24h", Duration.ofHours(24)),
        Map.entry("reminder_1h", Duration.ofHours(1)))) {
      Instant due = start.minus(reminder.getValue());
      if (due.isAfter(now)) {
        mails.add(new VisioStore.Mail(reminder.getKey(), due));
      }
    }
    return mails;
  }

  private Future<Booked> booked(UUID id) {
    return load(platform.pool(), id).map(a -> new Booked(a, tokens.issue(a)));
  }

  private Future<Void> requireNotAway(SqlClient tx, UUID agentId, Instant start, Instant end) {
    return store.onLeave(tx, agentId, start, end)
        .compose(away -> away ? Future.failedFuture(FirstFreeAgent.AGENT_AWAY) : Future.succeededFuture());
  }

  // Reading and changing an appointment.

  public Future<Appointment> get(Caller caller, UUID id) {
    return load(platform.pool(), id).map(a -> {
      VisioRights.requireOpen(caller, a, tokens);
      return a;
    });
  }

  /**
   * An appointment shown to whoever asks ({@code action}: appointment.read, appointment.calendar): a signed-in reader's
   * read is a line of the audit trail; the citizen reading her own with her link is not.
   */
  public Future<Appointment> read(Caller caller, UUID id, String action) {
    return get(caller, id).compose(a -> staffRead(caller.principal(), action, List.of(a)).map(a));
  }

  /** One insert for every appointment a signed-in reader was shown by one request. */
  private Future<Void> staffRead(Principal reader, String action, List<Appointment> shown) {
    return reader == null ? Future.succeededFuture() : AccessAuditStore.reads(platform.pool(), reader, action,
        "appointment", shown.stream().map(a -> UUID.fromString(a.id())).toList(), now());
  }

  /**
   * A new manage link: every earlier one stops working at once, and the new one is mailed to
   * the citizen (never answered here: whoever holds a stolen link does not get the new one).
   * False when there is no e-mail to send it to (the agent then gives the reference by phone).
   */
  public Future<Boolean> renewManageLink(Caller caller, UUID id) {
    return get(caller, id).compose(a -> platform.pool().withTransaction(tx -> store.renewManageLink(tx, id)
        .compose(v -> audited(tx, caller, "appointment.link_renewed", id))
        .compose(v -> a.citizen().email() == null ? Future.succeededFuture(false)
            : store.scheduleMail(tx, id, "new_link", now()).map(true))));
  }

  public Future<Appointment> cancel(Caller caller, UUID id) {
    return get(caller, id).compose(a -> platform.pool().withTransaction(tx -> store.transition(tx, id, List.of("booked"),
            "cancelled", now())
        .compose(done -> done ? store.dropReminders(tx, id)
            .compose(v -> a.citizen().email() == null ? Future.succeededFuture() : store.scheduleMail(tx, id, "cancellation", now()))
            .compose(v -> load(tx, id))
            .compose(after -> events.publish(tx, VisioEvents.CANCELLED, after).map(after))
            .compose(after -> audited(tx, caller, VisioEvents.CANCELLED, id).map(after))
            : Future.failedFuture(ApiException.conflict("This appointment is {0}; it can no longer be cancelled.", status(a.status())))))
        .onSuccess(this::bookingsChanged)
        .onSuccess(cancelled -> platform.metrics().cancelled("visio")));
  }

  /** The same choice of agent as a booking, from calendars read without the appointment's own period. */
  public Future<Appointment> reschedule(Caller caller, UUID id, Instant start) {
    return get(caller, id).compose(a -> {
      if (!"booked".equals(a.status())) {
        return Future.failedFuture(ApiException.conflict("This appointment is {0}; it can no longer be moved.", status(a.status())));
      }
      return serviceRow(UUID.fromString(a.serviceId())).compose(service -> {
        ZoneId zone = service.zone();
        Instant end = start.plus(Duration.ofMinutes(service.durationMinutes()));
        Instant dayStart = start.atZone(zone).toLocalDate().atStartOfDay(zone).toInstant();
        Instant dayEnd = start.atZone(zone).toLocalDate().plusDays(1).atStartOfDay(zone).toInstant();
        UUID pointId = a.pointId() == null ? null : UUID.fromString(a.pointId());
        boolean hasEmail = a.citizen().email() != null;
        Supplier<Future<List<AgentChoice>>> candidates = () -> calendars(service, pointId, dayStart,
            dayEnd.plus(SlotCache.DAY_OVERHANG), id).map(c -> c.freeAgents(start, now()));
        return firstFree.write(candidates, new FirstFreeAgent.Period(start, end, pointId),
                (tx, agent) -> requireNotAway(tx, agent.agentId(), start, end)
                    .compose(v -> store.reschedule(tx, id, agent.agentId(), start, end, end.plus(agent.buffer())))
                    .compose(done -> done ? store.dropReminders(tx, id)
                        .compose(v -> store.scheduleMails(tx, id, mails(start, hasEmail, "change", now())))
                        .compose(v -> load(tx, id))
                        .compose(after -> events.publishMove(tx, a, after).map(after))
                        .compose(after -> audited(tx, caller, "appointment.rescheduled", id).map(after))
                        : Future.failedFuture(ApiException.conflict("This appointment can no longer be moved."))),
                after -> {
                  bookingsChanged(a);
                  bookingsChanged(after);
                })
            .recover(e -> Future.failedFuture(e == FirstFreeAgent.TAKEN ? FirstFreeAgent.NOT_FREE
                : Refused.is(e, VisioStore.Refusal.POINT_TAKEN)
                    ? ApiException.conflict("The point visio-accueil is taken at this time.") : e));
      });
    });
  }

  // The meeting.

  public Future<JoinInfo> join(Caller caller, UUID id) {
    Instant now = now();
    return get(caller, id).compose(a -> roomWindow(a, now).compose(v -> store.roomName(platform.pool(), id)).map(room -> {
      boolean agent = VisioRights.isAgentOf(caller.principal(), a);
      Participant who = agent ? new Participant(caller.principal().userId().toString(), caller.principal().displayName(), null, true)
          : caller.principal() != null && caller.principal().is(Role.MEDIATOR)
              ? new Participant(caller.principal().userId().toString(), caller.principal().displayName() + " (médiateur)", null, false)
              : new Participant("citizen-" + a.reference(), a.citizen().name(), null, false);
      return rooms.join(room, who, now, a.end().toInstant().plus(ROOM_OPEN_AFTER_END));
    }));
  }

  private Future<Void> roomWindow(Appointment a, Instant now) {
    if (!a.open()) {
      return Future.failedFuture(ApiException.conflict("This appointment is {0}; its room is closed.", status(a.status())));
    }
    if (now.isBefore(a.joinOpensAt().toInstant())) {
      return Future.failedFuture(ApiException.conflict("The room opens on {0} ({1}), {2} minutes before the appointment.",
          a.joinOpensAt(), a.timeZone(), opens().toMinutes()));
    }
    if (now.isAfter(a.end().toInstant())) {
      return Future.failedFuture(ApiException.conflict("This appointment is over; its room is closed."));
    }
    return Future.succeededFuture();
  }

  /** The page says who is in the room: the citizen waiting, the agent joining (the call starts). */
  public Future<Appointment> presence(Caller caller, UUID id, String state) {
    Instant now = now();
    return get(caller, id).compose(a -> roomWindow(a, now).compose(v -> platform.pool().withTransaction(tx -> {
      boolean agent = VisioRights.isAgentOf(caller.principal(), a);
      Future<Boolean> change;
      String kind;
      if (agent) {
        change = "joined".equals(state) ? store.transition(tx, id, List.of("booked", "in_call"), "in_call", now)
            : Future.succeededFuture(true);
        kind = "joined".equals(state) ? VisioEvents.IN_CALL : VisioEvents.CHANGED;
      } else {
        change = store.citizenWaiting(tx, id, "left".equals(state) ? null : now);
        kind = VisioEvents.WAITING;
      }
      boolean agentJoined = agent && "joined".equals(state);
      return change.compose(done -> agentJoined ? audited(tx, caller, "appointment.agent_joined", id) : Future.succeededFuture())
          .compose(x -> load(tx, id)).compose(after -> events.publish(tx, kind, after).map(after));
    })));
  }

  public Future<Appointment> finish(Caller caller, UUID id, boolean attended) {
    Instant now = now();
    return get(caller, id).compose(a -> {
      VisioRights.requireAgentOf(caller, a);
      if (!attended && now.isBefore(a.start().toInstant())) {
        return Future.failedFuture(ApiException.conflict("A citizen can be marked absent only after the start time."));
      }
      List<String> from = attended ? List.of("booked", "in_call") : List.of("booked");
      String to = attended ? "completed" : "no_show";
      return platform.pool().withTransaction(tx -> store.transition(tx, id, from, to, now).compose(done -> done
          ? store.dropReminders(tx, id).compose(v -> audited(tx, caller, "appointment." + to, id)).compose(v -> load(tx, id))
              .compose(after -> events.publish(tx, attended ? VisioEvents.COMPLETED : VisioEvents.NO_SHOW, after).map(after))
          : Future.failedFuture(ApiException.conflict("This appointment is {0}; it cannot become {1}.", status(a.status()),
              status(to)))))
          .onSuccess(this::bookingsChanged)
          .onSuccess(after -> {
            if (!attended) {
              platform.metrics().noShow();
            }
          });
    });
  }

  /** A change of an appointment, in the admins' audit trail: by a professional, or by the citizen (her address). */
  private Future<Void> audited(SqlClient tx, Caller by, String action, Object id) {
    return ChangeAuditStore.recordCaller(tx, by.principal(), by.address(), action, "appointment", id, now());
  }

  // The citizen's rights over her data (RGPD articles 15 and 17).

  /** Everything Cantou holds about her appointment; the export itself is audited first. */
  public Future<VisioRecords.PersonalData> personalData(Caller caller, UUID id, String address) {
    Instant now = now();
    return load(platform.pool(), id).compose(a -> {
      VisioRights.requireCitizen(caller, a, tokens);
      return platform.pool().withTransaction(tx -> PersonalDataAudit.record(tx, "appointment", id, null, "citizen",
              "export", null, address, now)
          .compose(v -> load(tx, id))
          .compose(after -> store.held(tx, id).map(held -> new VisioRecords.PersonalData(now.atOffset(java.time.ZoneOffset.UTC),
              after, held.erasedAt(), held.mails(), held.audit()))));
    });
  }

  /**
   * Erases the citizen's name, contacts, note and needs at once (the fields retention erases).
   * An appointment still to come (booked, not ended) is cancelled first (its agent is told, no mail is
   * sent: there is no address left); one in a call is refused until its end.
   */
  public Future<VisioRecords.Erasure> erase(Caller caller, UUID id, String address) {
    Instant now = now();
    return load(platform.pool(), id).compose(a -> {
      VisioRights.requireCitizen(caller, a, tokens);
      return platform.pool().withTransaction(tx -> eraseOne(tx, a, now, null, "citizen", null, address))
          .onSuccess(e -> {
            if (e.cancelled()) {
              bookingsChanged(a);
              platform.metrics().cancelled("visio");
            }
          });
    });
  }

  // An admin's RGPD requests for a person (articles 15 and 17): each appointment found is audited with her id and reason.

  /** Every appointment of the citizen who gave this e-mail or phone, as her own export shows it. */
  public Future<List<VisioRecords.PersonalData>> personalDataOf(Principal admin, String email, String phone, String reason,
                                                                String address) {
    Instant now = now();
    return byContact(email, phone).compose(ids -> platform.pool().withTransaction(tx -> fr.cantou.platform.Futures.inOrder(ids,
        id -> PersonalDataAudit.record(tx, "appointment", id, admin.userId(), "admin", "export", reason, address, now)
            .compose(v -> load(tx, id))
            .compose(a -> store.held(tx, id).map(held -> new VisioRecords.PersonalData(now.atOffset(java.time.ZoneOffset.UTC), a,
                held.erasedAt(), held.mails(), held.audit()))))));
  }

  /** Erases every appointment of this e-mail or phone (those to come cancelled first); answers what was done. */
  public Future<List<VisioRecords.Erasure>> eraseOf(Principal admin, String email, String phone, String reason, String address) {
    Instant now = now();
    return byContact(email, phone).compose(ids -> platform.pool().withTransaction(tx -> fr.cantou.platform.Futures.inOrder(ids,
            id -> load(tx, id).compose(a -> eraseOne(tx, a, now, admin.userId(), "admin", reason, address)
                .map(e -> e.cancelled() ? a : null))))
        .map(cancelled -> {
          cancelled.stream().filter(java.util.Objects::nonNull).forEach(a -> {
            bookingsChanged(a);
            platform.metrics().cancelled("visio");
          });
          return cancelled.stream().map(a -> new VisioRecords.Erasure(true, a != null, now.atOffset(java.time.ZoneOffset.UTC)))
              .toList();
        }));
  }

  private Future<List<UUID>> byContact(String email, String phone) {
    String written = phone == null ? null : PhoneNumbers.written(phone).orElseThrow(() -> ApiException.badRequest(
        "Invalid field 'phone': a phone number such as 06 39 98 12 34 or +33 6 39 98 12 34."));
    return store.byContact(platform.pool(), email, written);
  }

  /** One erasure in its transaction: cancelled first when still booked, then erased, mails not sent dropped, audited. */
  Future<VisioRecords.Erasure> eraseOne(SqlClient tx, Appointment a, Instant now, UUID userId, String actor, String reason,
                                        String address) {
    UUID id = UUID.fromString(a.id());
    boolean toCome = now.isBefore(a.end().toInstant());
    if ("in_call".equals(a.status()) && toCome) {
      return Future.failedFuture(ApiException.conflict("The call is going on; ask for the erasure once it is over."));
    }
    Future<Boolean> cancelled = "booked".equals(a.status()) && toCome
        ? store.transition(tx, id, List.of("booked"), "cancelled", now).compose(done -> done ? Future.succeededFuture(true)
            : Future.failedFuture(ApiException.conflict("This appointment just changed; please try again.")))
        : Future.succeededFuture(false);
    return cancelled.compose(c -> store.eraseCitizenDataOf(tx, id, now)
        .compose(v -> PersonalDataAudit.record(tx, "appointment", id, userId, actor, "erasure", reason, address, now))
        .compose(v -> c ? load(tx, id).compose(after -> events.publish(tx, VisioEvents.CANCELLED, after)) : Future.succeededFuture())
        .map(v -> new VisioRecords.Erasure(true, c, now.atOffset(java.time.ZoneOffset.UTC))));
  }

  /** Calls going on in the whole cluster, read from the database when /metrics is asked. */
  public Future<Void> refreshFigures() {
    return store.callsInProgress(platform.pool()).onSuccess(calls -> platform.metrics().callsInProgress("visio", calls)).mapEmpty();
  }

  /** An agent's day (its whole administration), or a mediator's bookings. */
  public Future<List<Appointment>> list(Principal p, LocalDate date) {
    if (p.is(Role.AGENT)) {
      return store.zoneOf(platform.pool(), p.organisationId()).compose(zone -> {
        LocalDate day = date == null ? LocalDate.ofInstant(now(), zone) : date;
        return store.forOrganisation(platform.pool(), p.organisationId(), day.atStartOfDay(zone).toInstant(),
            day.plusDays(1).atStartOfDay(zone).toInstant(), opens());
      }).compose(day -> staffRead(p, "appointment.list", day).map(day));
    }
    if (p.is(Role.MEDIATOR)) {
      ZoneId zone = platform.config().defaultTimeZone();
      Instant from = date == null ? now().minus(Duration.ofDays(1)) : date.atStartOfDay(zone).toInstant();
      Instant to = date == null ? now().plus(Duration.ofDays(365)) : date.plusDays(1).atStartOfDay(zone).toInstant();
      return store.bookedBy(platform.pool(), p.userId(), from, to, opens())
          .compose(booked -> staffRead(p, "appointment.list", booked).map(booked));
    }
    return Future.failedFuture(ApiException.forbidden("Appointments are listed for agents and mediators."));
  }

  // Helpers.

  /** A new booking: this node's client must see its slots at once; the others follow the event. */
  private void booked(Appointment a) {
    slotCache.booked(UUID.fromString(a.agentId()), a.pointId() == null ? null : UUID.fromString(a.pointId()),
        a.start().toInstant(), a.end().toInstant());
  }

  /** The slots around this appointment's time differ now: this node's client must see it at once, the others follow the event. */
  private void bookingsChanged(Appointment a) {
    slotCache.bookingsChanged(a.start().toInstant(), a.end().toInstant());
  }

  /** Without rights checks: for the snapshot of a viewer whose manage token was already verified. */
  Future<Appointment> appointment(UUID id) {
    return load(platform.pool(), id);
  }

  Future<Appointment> load(SqlClient db, UUID id) {
    return store.appointment(db, id, opens()).map(found -> found.orElseThrow(() -> ApiException.notFound("No such appointment.")));
  }

  /** An appointment's status, named in the client's language. */
  private static ProblemTexts.Term status(String code) {
    return new ProblemTexts.Term("appointment", code);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
