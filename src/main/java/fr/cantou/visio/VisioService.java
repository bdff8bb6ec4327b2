package fr.cantou.visio;

import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;
import fr.cantou.platform.EncodedJson;
import fr.cantou.platform.Json;
import fr.cantou.platform.Platform;
import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.ProblemTexts;
import fr.cantou.rooms.JitsiRooms;
import fr.cantou.rooms.JoinInfo;
import fr.cantou.rooms.Participant;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.SqlClient;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The rules of visio-accueil: slots, bookings without double booking, changes, the meeting. */
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

  VisioService(Platform platform, VisioStore store, VisioEvents events, ManageTokens tokens, JitsiRooms rooms,
               SlotCache slotCache) {
    this.platform = platform;
    this.store = store;
    this.events = events;
    this.tokens = tokens;
    this.rooms = rooms;
    this.slotCache = slotCache;
  }

  private Instant now() {
    return platform.clock().instant();
  }

  private Duration opens() {
    return platform.config().visio().joinOpensBefore();
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
      throw ApiException.badRequest("Invalid query parameter 'to': before 'from'.");
    }
    if (ChronoUnit.DAYS.between(from, to) >= LONGEST_RANGE_DAYS) {
      throw ApiException.badRequest("Invalid query parameter 'to': at most {0} days from 'from'.", LONGEST_RANGE_DAYS);
    }
    Instant now = now();
    return slotCache.days(serviceId, pointId, from, to, (first, last) -> openDays(serviceId, pointId, first, last))
        .map(days -> SlotCache.bookable(days, now));
  }

  /** Every day from {@code first} to {@code last} with its open slots, from one read of the calendars. */
  private Future<Map<LocalDate, SlotCache.Day>> openDays(UUID serviceId, UUID pointId, LocalDate first, LocalDate last) {
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
          days.put(day, new SlotCache.Day(day.atStartOfDay(zone).toInstant(),
              day.plusDays(1).atStartOfDay(zone).toInstant().plus(SlotCache.DAY_OVERHANG), slots,
              slots.stream().map(slot -> Json.encode(new VisioRecords.SlotView(VisioStore.local(slot.start(), zone),
                  VisioStore.local(slot.end(), zone))).getBytes()).toList()));
        }
        return days;
      });
    });
  }

  record Calendars(List<SlotCalculator.AgentCalendar> agents, SlotCalculator.PointCalendar point) {}

  private Future<Calendars> calendars(VisioStore.ServiceRow service, UUID pointId, Instant from, Instant to, UUID except) {
    Future<List<SlotCalculator.AgentCalendar>> agents = store.agentCalendars(platform.pool(), service.id(), from, to, except);
    Future<Optional<SlotCalculator.PointCalendar>> point = pointId == null ? Future.succeededFuture(Optional.empty())
        : store.pointCalendar(platform.pool(), pointId, from, to, except);
    return Future.all(agents, point).map(all -> {
      if (pointId != null && point.result().isEmpty()) {
        throw ApiException.badRequest("Invalid field 'pointId': no such point visio-accueil.");
      }
      return new Calendars(agents.result(), point.result().orElse(null));
    });
  }

  // Booking.

  public Future<Booked> book(Principal caller, VisioRecords.Booking body, String idempotencyKey) {
    VisioRecords.CitizenBody citizen = body.citizen();
    String email = blankToNull(citizen.email());
    String phone = blankToNull(citizen.phone());
    if (email == null && phone == null) {
      throw ApiException.badRequest("Invalid field 'citizen': give an e-mail address or a phone number, to be reached.");
    }
    UUID serviceId = id(body.serviceId(), "serviceId");
    UUID pointId = body.pointId() == null ? null : id(body.pointId(), "pointId");
    Instant start = body.start().toInstant();
    UUID bookedBy = caller != null && (caller.is(Role.MEDIATOR) || caller.is(Role.AGENT)) ? caller.userId() : null;

    Future<Optional<UUID>> earlier = idempotencyKey == null ? Future.succeededFuture(Optional.empty())
        : store.byIdempotencyKey(platform.pool(), idempotencyKey);
    return earlier.compose(found -> found.isPresent() ? booked(found.get()) : serviceRow(serviceId).compose(service -> {
      Instant end = start.plus(Duration.ofMinutes(service.durationMinutes()));
      ZoneId zone = service.zone();
      Instant dayStart = start.atZone(zone).toLocalDate().atStartOfDay(zone).toInstant();
      Instant dayEnd = start.atZone(zone).toLocalDate().plusDays(1).atStartOfDay(zone).toInstant();
      return calendars(service, pointId, dayStart, dayEnd.plus(SlotCache.DAY_OVERHANG), null)
          .compose(c -> freeAgentsByLoad(service, c, start, dayStart, dayEnd))
          .compose(agents -> {
            if (agents.isEmpty()) {
              return Future.failedFuture(ApiException.conflict("This slot is no longer free. Please choose another one."));
            }
            VisioStore.NewAppointment draft = new VisioStore.NewAppointment(serviceId, null, pointId, start, end, null,
                null, citizen.name().trim(), email, phone, blankToNull(body.note()),
                body.accessibility() == null ? List.of() : body.accessibility(), bookedBy, idempotencyKey, rooms.newRoomName("cantou-va"));
            return insertWithFirstFreeAgent(service, agents, draft, 0);
          })
          .recover(e -> isUnique(e, "idempotency_key") ? store.byIdempotencyKey(platform.pool(), idempotencyKey)
              .compose(again -> booked(again.orElseThrow())) : Future.failedFuture(e));
    }));
  }

  /** Agents free for the slot, the least loaded that day first (fairness). */
  private Future<List<AgentChoice>> freeAgentsByLoad(VisioStore.ServiceRow service, Calendars c, Instant start,
                                                      Instant dayStart, Instant dayEnd) {
    SlotCalculator calculator = new SlotCalculator(service.zone(), Duration.ofMinutes(service.durationMinutes()));
    List<UUID> free = calculator.freeAgents(c.agents(), c.point(), start, now());
    if (free.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return store.load(platform.pool(), free, dayStart, dayEnd).map(load -> {
      List<AgentChoice> choices = new ArrayList<>();
      for (SlotCalculator.AgentCalendar agent : c.agents()) {
        if (free.contains(agent.agentId())) {
          choices.add(new AgentChoice(agent.agentId(), agent.buffer(), load.getOrDefault(agent.agentId(), 0)));
        }
      }
      choices.sort(Comparator.comparingInt(AgentChoice::load).thenComparing(a -> a.agentId().toString()));
      return choices;
    });
  }

  record AgentChoice(UUID agentId, Duration buffer, int load) {}

  /** The exclusion constraints decide: if another booking took this agent meanwhile, try the next one. */
  private Future<Booked> insertWithFirstFreeAgent(VisioStore.ServiceRow service, List<AgentChoice> agents,
                                                  VisioStore.NewAppointment draft, int index) {
    if (index >= agents.size()) {
      return Future.failedFuture(ApiException.conflict("This slot was just taken. Please choose another one."));
    }
    AgentChoice agent = agents.get(index);
    VisioStore.NewAppointment row = new VisioStore.NewAppointment(draft.serviceId(), agent.agentId(), draft.pointId(),
        draft.start(), draft.end(), draft.end().plus(agent.buffer()), References.next(service.prefix()), draft.citizenName(),
        draft.citizenEmail(), draft.citizenPhone(), draft.note(), draft.accessibility(), draft.bookedBy(),
        draft.idempotencyKey(), draft.roomName());
    Instant now = now();
    return platform.pool().withTransaction(tx -> store.lockCalendars(tx, row.agentId(), row.pointId())
            .compose(v -> requireNotAway(tx, row.agentId(), row.start(), row.end()))
            .compose(v -> store.insertAppointment(tx, row, now))
            .compose(id -> scheduleMails(tx, id, row.start(), row.citizenEmail() != null, "confirmation").map(id))
            .compose(id -> load(tx, id))
            .compose(a -> events.publish(tx, "appointment.booked", a).map(a)))
        .onSuccess(this::bookingsChanged)
        .map(a -> new Booked(a, tokens.issue(UUID.fromString(a.id()))))
        .recover(e -> {
          if (e == AGENT_AWAY || isExclusion(e, "appointment_agent_free")) {
            return insertWithFirstFreeAgent(service, agents, draft, index + 1);
          }
          if (isExclusion(e, "appointment_point_free")) {
            return Future.failedFuture(ApiException.conflict("The point visio-accueil was just booked at this time. "
                + "Please choose another slot."));
          }
          if (isUnique(e, "appointment_reference_key")) {
            return insertWithFirstFreeAgent(service, agents, draft, index);
          }
          return Future.failedFuture(e);
        });
  }

  private Future<Void> scheduleMails(SqlClient tx, UUID id, Instant start, boolean hasEmail, String first) {
    if (!hasEmail) {
      return Future.succeededFuture();
    }
    Instant now = now();
    Future<Void> chain = store.scheduleMail(tx, id, first, now);
    for (Map.Entry<String, Duration> reminder : Map.of("reminder_24h", Duration.ofHours(24), "reminder_1h", Duration.ofHours(1))
        .entrySet()) {
      Instant due = start.minus(reminder.getValue());
      if (due.isAfter(now)) {
        chain = chain.compose(v -> store.scheduleMail(tx, id, reminder.getKey(), due));
      }
    }
    return chain;
  }

  private Future<Booked> booked(UUID id) {
    return load(platform.pool(), id).map(a -> new Booked(a, tokens.issue(id)));
  }

  /** Said inside the transaction, under the agent's lock, when leave entered meanwhile covers the slot: try the next agent. */
  private static final ApiException AGENT_AWAY = ApiException.conflict("The agent is away at this time.");

  private Future<Void> requireNotAway(SqlClient tx, UUID agentId, Instant start, Instant end) {
    return store.onLeave(tx, agentId, start, end).compose(away -> away ? Future.failedFuture(AGENT_AWAY) : Future.succeededFuture());
  }

  // Reading and changing an appointment.

  public Future<Appointment> get(Caller caller, UUID id) {
    return load(platform.pool(), id).map(a -> {
      VisioRights.requireOpen(caller, a, tokens);
      return a;
    });
  }

  public Future<Appointment> cancel(Caller caller, UUID id) {
    return get(caller, id).compose(a -> platform.pool().withTransaction(tx -> store.transition(tx, id, List.of("booked"),
            "cancelled", now())
        .compose(done -> done ? store.dropReminders(tx, id)
            .compose(v -> a.citizen().email() == null ? Future.succeededFuture() : store.scheduleMail(tx, id, "cancellation", now()))
            .compose(v -> load(tx, id))
            .compose(after -> events.publish(tx, "appointment.cancelled", after).map(after))
            : Future.failedFuture(ApiException.conflict("This appointment is {0}; it can no longer be cancelled.", status(a.status())))))
        .onSuccess(this::bookingsChanged));
  }

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
        return calendars(service, pointId, dayStart, dayEnd.plus(SlotCache.DAY_OVERHANG), id)
            .compose(c -> freeAgentsByLoad(service, c, start, dayStart, dayEnd))
            .compose(agents -> moveToFirstFreeAgent(a, pointId, agents, start, end, 0))
            .onSuccess(after -> {
              bookingsChanged(a);
              bookingsChanged(after);
            });
      });
    });
  }

  private Future<Appointment> moveToFirstFreeAgent(Appointment before, UUID pointId, List<AgentChoice> agents, Instant start,
                                                   Instant end, int index) {
    UUID id = UUID.fromString(before.id());
    boolean hasEmail = before.citizen().email() != null;
    if (index >= agents.size()) {
      return Future.failedFuture(ApiException.conflict("This slot is no longer free. Please choose another one."));
    }
    AgentChoice agent = agents.get(index);
    return platform.pool().withTransaction(tx -> store.lockCalendars(tx, agent.agentId(), pointId)
            .compose(v -> requireNotAway(tx, agent.agentId(), start, end))
            .compose(v -> store.reschedule(tx, id, agent.agentId(), start, end, end.plus(agent.buffer())))
            .compose(done -> done ? store.dropReminders(tx, id)
                .compose(v -> scheduleMails(tx, id, start, hasEmail, "change"))
                .compose(v -> load(tx, id))
                .compose(after -> events.publishMove(tx, before, after).map(after))
                : Future.failedFuture(ApiException.conflict("This appointment can no longer be moved."))))
        .recover(e -> e == AGENT_AWAY || isExclusion(e, "appointment_agent_free")
            ? moveToFirstFreeAgent(before, pointId, agents, start, end, index + 1)
            : isExclusion(e, "appointment_point_free")
                ? Future.failedFuture(ApiException.conflict("The point visio-accueil is taken at this time."))
                : Future.failedFuture(e));
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
        kind = "joined".equals(state) ? "appointment.in_call" : "appointment.changed";
      } else {
        change = store.citizenWaiting(tx, id, "left".equals(state) ? null : now);
        kind = "appointment.waiting";
      }
      return change.compose(done -> load(tx, id)).compose(after -> events.publish(tx, kind, after).map(after));
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
          ? store.dropReminders(tx, id).compose(v -> load(tx, id))
              .compose(after -> events.publish(tx, "appointment." + to, after).map(after))
          : Future.failedFuture(ApiException.conflict("This appointment is {0}; it cannot become {1}.", status(a.status()),
              status(to)))))
          .onSuccess(this::bookingsChanged);
    });
  }

  /** An agent's day (its whole administration), or a mediator's bookings. */
  public Future<List<Appointment>> list(Principal p, LocalDate date) {
    if (p.is(Role.AGENT)) {
      return store.zoneOf(platform.pool(), p.organisationId()).compose(zone -> {
        LocalDate day = date == null ? LocalDate.ofInstant(now(), zone) : date;
        return store.forOrganisation(platform.pool(), p.organisationId(), day.atStartOfDay(zone).toInstant(),
            day.plusDays(1).atStartOfDay(zone).toInstant(), opens());
      });
    }
    if (p.is(Role.MEDIATOR)) {
      ZoneId zone = platform.config().defaultTimeZone();
      Instant from = date == null ? now().minus(Duration.ofDays(1)) : date.atStartOfDay(zone).toInstant();
      Instant to = date == null ? now().plus(Duration.ofDays(365)) : date.plusDays(1).atStartOfDay(zone).toInstant();
      return store.bookedBy(platform.pool(), p.userId(), from, to, opens());
    }
    throw ApiException.forbidden("Appointments are listed for agents and mediators.");
  }

  // Helpers.

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

  static UUID id(String value, String field) {
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("Invalid field '{0}': not an id.", field);
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  static boolean isExclusion(Throwable e, String constraint) {
    return e instanceof PgException pg && "23P01".equals(pg.getSqlState()) && constraint.equals(pg.getConstraint());
  }

  static boolean isUnique(Throwable e, String constraint) {
    return e instanceof PgException pg && "23505".equals(pg.getSqlState())
        && pg.getConstraint() != null && pg.getConstraint().contains(constraint);
  }
}
