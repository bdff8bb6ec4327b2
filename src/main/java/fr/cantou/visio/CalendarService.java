package fr.cantou.visio;

import fr.cantou.identity.ChangeAuditStore;
import fr.cantou.identity.Principal;
import fr.cantou.platform.Ids;
import fr.cantou.platform.Platform;
import fr.cantou.platform.db.DatabaseErrors.Refused;
import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.Idempotent;
import fr.cantou.visio.VisioStore.Refusal;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;

import static fr.cantou.visio.AppointmentInTheWay.NAMED;
import static fr.cantou.visio.AppointmentInTheWay.named;

/**
 * The agents' calendars: the services each one serves, her weekly hours and settings, her leave,
 * and the closures of a whole administration. Set by the agent herself or an admin; a change
 * reaches every node's slots and the agents' pages at once (an event).
 */
public final class CalendarService {
  private static final ApiException ABSENCE_KEY_REUSED = new ApiException(422, "This Idempotency-Key was used for another "
      + "absence; send a new key with a new absence.");
  private final Platform platform;
  private final CalendarStore store;
  private final VisioEvents events;
  private final SlotCache slotCache;

  CalendarService(Platform platform, CalendarStore store, VisioEvents events, SlotCache slotCache) {
    this.platform = platform;
    this.store = store;
    this.events = events;
    this.slotCache = slotCache;
  }

  public Future<VisioRecords.AvailabilityView> availability(Principal caller, UUID agentId) {
    VisioRights.requireCalendarOf(caller, agentId);
    return zoneOfAgent(agentId).compose(zone -> store.availability(platform.pool(), agentId, zone, platform.clock().instant()))
        .map(found -> found.orElseThrow(() -> ApiException.notFound("No such agent.")));
  }

  public Future<VisioRecords.AvailabilityView> setAvailability(Principal caller, UUID agentId, VisioRecords.Availability body) {
    VisioRights.requireCalendarOf(caller, agentId);
    return CatalogueService.checkHours(body.weekly())
        .map(ok -> body.serviceIds().stream().map(id -> Ids.field(id, "serviceIds")).toList())
        .compose(ok -> organisationOf(agentId))
        .compose(organisation -> platform.pool().withTransaction(tx -> store.replaceAvailability(tx, agentId, body)
            .compose(attached -> attached == body.serviceIds().stream().distinct().count()
                ? events.calendarChanged(tx, agentId, organisation)
                : Future.failedFuture(ApiException.forbidden("An agent can only serve the services of her own administration.")))
            .compose(v -> audited(tx, caller, "agent.availability_set", "agent", agentId))))
        .recover(e -> Future.failedFuture(Refused.is(e, Refusal.NO_SUCH_SERVICE)
            ? ApiException.badRequest("Invalid field 'serviceIds': no such service.") : e))
        .onSuccess(v -> slotCache.calendarsChanged())
        .compose(v -> availability(caller, agentId));
  }

  /**
   * Leave or a closure. Refused while the agent has appointments in that period: they would be
   * left with nobody to answer. The agent's lock keeps a booking from slipping in meanwhile. Sent again with its
   * Idempotency-Key (its answer lost), the same absence is answered with the calendar holding the one the first wrote.
   */
  public Future<VisioRecords.AvailabilityView> addException(Principal caller, UUID agentId, VisioRecords.NewException body,
                                                            String idempotencyKey) {
    VisioRights.requireCalendarOf(caller, agentId);
    Instant start = body.start().toInstant();
    Instant end = body.end().toInstant();
    if (!start.isBefore(end)) {
      return Future.failedFuture(ApiException.badRequest("Invalid field 'end': must come after 'start'."));
    }
    if (!end.isAfter(platform.clock().instant())) {
      // A period wholly over (2020 for 2026) is a slip: it would change nothing and hide the mistake.
      return Future.failedFuture(ApiException.badRequest("Invalid field 'start': this period is over; enter one that is not over yet."));
    }
    Idempotent sent = sentWith(caller, idempotencyKey, "absence", agentId, body);
    return Idempotent.once(sent, () -> store.byIdempotencyKey(platform.pool(), sent.key()),
        written -> availability(caller, written.agentId()), () -> absenceWritten(caller, agentId, body, start, end, sent),
        e -> Refused.is(e, Refusal.ABSENCE_KEY_USED), ABSENCE_KEY_REUSED);
  }

  /** The key of an absence or a closure, its sender's (an agent, an admin): one sender never meets another's key. */
  private static Idempotent sentWith(Principal caller, String key, String kind, UUID of, VisioRecords.NewException body) {
    return Idempotent.scoped(caller.userId().toString(), key, List.of(kind, of, body));
  }

  private Future<VisioRecords.AvailabilityView> absenceWritten(Principal caller, UUID agentId, VisioRecords.NewException body,
                                                               Instant start, Instant end, Idempotent sent) {
    return organisationOf(agentId).compose(organisation -> store.zoneOf(platform.pool(), organisation)
            .compose(zone -> platform.pool().withTransaction(tx -> store.lockAgent(tx, agentId)
                .compose(v -> store.openAppointmentsDuring(tx, agentId, start, end, NAMED + 1))
                .compose(taken -> taken.isEmpty() ? store.insertException(tx, agentId, start, end, body.reason(), sent)
                    : Future.failedFuture(taken.size() > NAMED
                        ? ApiException.conflict("Appointments are booked with this agent in that period: {0} and more. "
                            + "Move or cancel them first.", named(taken, zone))
                        : ApiException.conflict("Appointments are booked with this agent in that period: {0}. "
                            + "Move or cancel them first.", named(taken, zone))))
                .compose(id -> events.calendarChanged(tx, agentId, organisation))
                .compose(v -> audited(tx, caller, "agent.absence_added", "agent", agentId)))))
        .onSuccess(v -> slotCache.calendarsChanged())
        .compose(v -> availability(caller, agentId));
  }

  /**
   * The whole administration closed (a bank holiday bridge, a strike, a move): the same absence
   * for each of its agents, refused while any of them has appointments in that period. Sent again with its
   * Idempotency-Key, the same closure is answered with what the first wrote.
   */
  public Future<VisioRecords.Closure> closeOrganisation(Principal caller, UUID organisationId, VisioRecords.NewException body,
                                                       String idempotencyKey) {
    VisioRights.requireClosureOf(caller, organisationId);
    Instant start = body.start().toInstant();
    Instant end = body.end().toInstant();
    if (!start.isBefore(end)) {
      return Future.failedFuture(ApiException.badRequest("Invalid field 'end': must come after 'start'."));
    }
    if (!end.isAfter(platform.clock().instant())) {
      // A period wholly over (2020 for 2026) is a slip: it would change nothing and hide the mistake.
      return Future.failedFuture(ApiException.badRequest("Invalid field 'start': this period is over; enter one that is not over yet."));
    }
    Idempotent sent = sentWith(caller, idempotencyKey, "closure", organisationId, body);
    return Idempotent.once(sent, () -> store.byIdempotencyKey(platform.pool(), sent.key()),
        written -> Future.succeededFuture(new VisioRecords.Closure(written.absences())),
        () -> closureWritten(caller, organisationId, body, start, end, sent),
        e -> Refused.is(e, Refusal.ABSENCE_KEY_USED), ABSENCE_KEY_REUSED);
  }

  private Future<VisioRecords.Closure> closureWritten(Principal caller, UUID organisationId, VisioRecords.NewException body,
                                                      Instant start, Instant end, Idempotent sent) {
    return store.administrationZone(platform.pool(), organisationId)
        .map(found -> found.orElseThrow(() -> ApiException.notFound("No such administration.")))
        .compose(zone -> platform.pool().withTransaction(tx ->
            store.lockAgentsOf(tx, organisationId)
                .compose(agents -> store.openAppointmentsOfOrganisation(tx, organisationId, start, end, NAMED + 1))
                .compose(taken -> taken.isEmpty() ? store.insertClosure(tx, organisationId, start, end, body.reason(), sent)
                    : Future.failedFuture(taken.size() > NAMED
                        ? ApiException.conflict("Appointments are booked in that period: {0} and more. Move or cancel them first.",
                            named(taken, zone))
                        : ApiException.conflict("Appointments are booked in that period: {0}. Move or cancel them first.",
                            named(taken, zone))))
                .compose(closed -> events.catalogueChanged(tx)
                    .compose(v -> audited(tx, caller, "organisation.closed", "organisation", organisationId))
                    .map(new VisioRecords.Closure(closed)))))
        .onSuccess(v -> slotCache.calendarsChanged());
  }

  /** Leave cancelled or entered by mistake: its slots are offered again at once. */
  public Future<VisioRecords.AvailabilityView> removeException(Principal caller, UUID agentId, long exceptionId) {
    VisioRights.requireCalendarOf(caller, agentId);
    return organisationOf(agentId)
        .compose(organisation -> platform.pool().withTransaction(tx -> store.deleteException(tx, agentId, exceptionId)
            .compose(deleted -> deleted ? events.calendarChanged(tx, agentId, organisation)
                : Future.failedFuture(ApiException.notFound("This agent has no such absence.")))
            .compose(v -> audited(tx, caller, "agent.absence_removed", "agent", agentId))))
        .onSuccess(v -> slotCache.calendarsChanged())
        .compose(v -> availability(caller, agentId));
  }

  /** A change of a calendar, in the admins' audit trail. */
  private Future<Void> audited(SqlClient tx, Principal by, String action, String kind, Object id) {
    return ChangeAuditStore.record(tx, by, action, kind, id, platform.clock().instant());
  }

  private Future<UUID> organisationOf(UUID agentId) {
    return store.agentOrganisation(platform.pool(), agentId)
        .map(org -> org.orElseThrow(() -> ApiException.notFound("No such agent.")));
  }

  private Future<ZoneId> zoneOfAgent(UUID agentId) {
    return organisationOf(agentId).compose(org -> store.zoneOf(platform.pool(), org));
  }
}
