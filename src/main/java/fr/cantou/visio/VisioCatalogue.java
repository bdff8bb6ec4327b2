package fr.cantou.visio;

import fr.cantou.identity.ChangeAuditStore;
import fr.cantou.identity.Principal;
import fr.cantou.platform.Ids;
import fr.cantou.platform.Platform;
import fr.cantou.platform.db.DatabaseErrors.Refused;
import fr.cantou.visio.VisioStore.Refusal;
import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.ProblemTexts;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import java.util.UUID;

/** What the département and the administrations set up: services, points, agents' calendars. */
public final class VisioCatalogue {
  private final Platform platform;
  private final VisioStore store;
  private final VisioEvents events;
  private final SlotCache slotCache;

  VisioCatalogue(Platform platform, VisioStore store, VisioEvents events, SlotCache slotCache) {
    this.platform = platform;
    this.store = store;
    this.events = events;
    this.slotCache = slotCache;
  }

  public Future<VisioRecords.Service> createService(Principal admin, VisioRecords.NewService body) {
    VisioRights.requireAdmin(admin);
    UUID organisation = Ids.field(body.organisationId(), "organisationId");
    return platform.pool().withTransaction(tx -> store.insertService(tx, organisation, body.name().trim(),
                body.description() == null ? "" : body.description().trim(),
                body.documents() == null ? List.of() : body.documents(), body.durationMinutes(), body.referencePrefix())
            .compose(id -> audited(tx, admin, "service.created", "service", id).map(id)))
        .recover(e -> Future.failedFuture(Refused.is(e, Refusal.SERVICE_NAME_TAKEN)
            ? ApiException.conflict("This administration already has a service of that name.")
            : Refused.is(e, Refusal.NO_SUCH_ADMINISTRATION)
                ? ApiException.badRequest("Invalid field 'organisationId': no such administration.") : e))
        .compose(id -> store.service(platform.pool(), id)).map(found -> VisioService.view(found.orElseThrow()));
  }

  public Future<VisioRecords.Point> createPoint(Principal admin, VisioRecords.NewPoint body) {
    VisioRights.requireAdmin(admin);
    UUID organisation = body.organisationId() == null ? null : Ids.field(body.organisationId(), "organisationId");
    checkHours(body.hours());
    return platform.pool().withTransaction(tx -> store.insertPoint(tx, body, organisation)
            .compose(id -> audited(tx, admin, "point.created", "point", id).map(id)))
        .recover(e -> Future.failedFuture(Refused.is(e, Refusal.POINT_NAME_TAKEN)
            ? ApiException.conflict("A point of this name already exists in {0}.", body.commune()) : e))
        .compose(id -> store.point(platform.pool(), id)).map(found -> found.orElseThrow());
  }

  /** A new name, description, documents or duration: slots follow at once; booked appointments keep their times. */
  public Future<VisioRecords.Service> updateService(Principal admin, UUID id, VisioRecords.ServiceChange body) {
    VisioRights.requireAdmin(admin);
    return platform.pool().withTransaction(tx -> store.updateService(tx, id, body)
            .compose(found -> found ? events.catalogueChanged(tx) : Future.failedFuture(ApiException.notFound("No such service.")))
            .compose(v -> audited(tx, admin, "service.updated", "service", id)))
        .recover(e -> Future.failedFuture(Refused.is(e, Refusal.SERVICE_NAME_TAKEN)
            ? ApiException.conflict("This administration already has a service of that name.")
            : e))
        .onSuccess(v -> slotCache.calendarsChanged())
        .compose(v -> store.service(platform.pool(), id)).map(found -> VisioService.view(found.orElseThrow()));
  }

  /** No longer listed nor bookable; appointments already booked stay and are honoured. */
  public Future<Void> withdrawService(Principal admin, UUID id) {
    VisioRights.requireAdmin(admin);
    return platform.pool().withTransaction(tx -> store.withdrawService(tx, id)
            .compose(found -> found ? events.catalogueChanged(tx) : Future.failedFuture(ApiException.notFound("No such service.")))
            .compose(v -> audited(tx, admin, "service.withdrawn", "service", id)))
        .onSuccess(v -> slotCache.calendarsChanged());
  }

  public Future<VisioRecords.Point> updatePoint(Principal admin, UUID id, VisioRecords.PointChange body) {
    VisioRights.requireAdmin(admin);
    checkHours(body.hours());
    return platform.pool().withTransaction(tx -> store.updatePoint(tx, id, body)
            .compose(found -> found ? events.catalogueChanged(tx)
                : Future.failedFuture(ApiException.notFound("No such point visio-accueil.")))
            .compose(v -> audited(tx, admin, "point.updated", "point", id)))
        .recover(e -> Future.failedFuture(Refused.is(e, Refusal.POINT_NAME_TAKEN)
            ? ApiException.conflict("A point of this name already exists in {0}.", body.commune().trim()) : e))
        .onSuccess(v -> slotCache.calendarsChanged())
        .compose(v -> store.point(platform.pool(), id)).map(found -> found.orElseThrow());
  }

  /**
   * Closes a point for good. Refused while appointments are booked there: the citizens would come
   * to a closed door. The point's lock keeps a booking from slipping in meanwhile.
   */
  public Future<Void> withdrawPoint(Principal admin, UUID id) {
    VisioRights.requireAdmin(admin);
    ZoneId zone = platform.config().defaultTimeZone();
    return platform.pool().withTransaction(tx -> store.lockPoint(tx, id)
            .compose(v -> store.openAppointmentsAtPoint(tx, id, platform.clock().instant(), NAMED_APPOINTMENTS + 1))
            .compose(taken -> taken.isEmpty() ? store.withdrawPoint(tx, id)
                : Future.failedFuture(taken.size() > NAMED_APPOINTMENTS
                    ? ApiException.conflict("Appointments are booked at this point: {0} and more. Move or cancel them first.",
                        named(taken, zone))
                    : ApiException.conflict("Appointments are booked at this point: {0}. Move or cancel them first.",
                        named(taken, zone))))
            .compose(found -> found ? events.catalogueChanged(tx)
                : Future.failedFuture(ApiException.notFound("No such point visio-accueil.")))
            .compose(v -> audited(tx, admin, "point.withdrawn", "point", id)))
        .onSuccess(v -> slotCache.calendarsChanged());
  }

  /** A change of the catalogue or of a calendar, in the admins' audit trail. */
  private Future<Void> audited(SqlClient tx, Principal by, String action, String kind, Object id) {
    return ChangeAuditStore.record(tx, by, action, kind, id, platform.clock().instant());
  }

  public Future<VisioRecords.AvailabilityView> availability(Principal caller, UUID agentId) {
    VisioRights.requireCalendarOf(caller, agentId);
    return zoneOfAgent(agentId).compose(zone -> store.availability(platform.pool(), agentId, zone, platform.clock().instant()))
        .map(found -> found.orElseThrow(() -> ApiException.notFound("No such agent.")));
  }

  public Future<VisioRecords.AvailabilityView> setAvailability(Principal caller, UUID agentId, VisioRecords.Availability body) {
    VisioRights.requireCalendarOf(caller, agentId);
    checkHours(body.weekly());
    body.serviceIds().forEach(id -> Ids.field(id, "serviceIds"));
    return organisationOf(agentId)
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
   * left with nobody to answer. The agent's lock keeps a booking from slipping in meanwhile.
   */
  public Future<VisioRecords.AvailabilityView> addException(Principal caller, UUID agentId, VisioRecords.NewException body) {
    VisioRights.requireCalendarOf(caller, agentId);
    Instant start = body.start().toInstant();
    Instant end = body.end().toInstant();
    if (!start.isBefore(end)) {
      return Future.failedFuture(ApiException.badRequest("Invalid field 'end': must come after 'start'."));
    }
    return organisationOf(agentId).compose(organisation -> store.zoneOf(platform.pool(), organisation)
            .compose(zone -> platform.pool().withTransaction(tx -> store.lockAgent(tx, agentId)
                .compose(v -> store.openAppointmentsDuring(tx, agentId, start, end, NAMED_APPOINTMENTS + 1))
                .compose(taken -> taken.isEmpty() ? store.insertException(tx, agentId, start, end, body.reason())
                    : Future.failedFuture(taken.size() > NAMED_APPOINTMENTS
                        ? ApiException.conflict("Appointments are booked with this agent in that period: {0} and more. "
                            + "Move or cancel them first.", named(taken, zone))
                        : ApiException.conflict("Appointments are booked with this agent in that period: {0}. "
                            + "Move or cancel them first.", named(taken, zone))))
                .compose(id -> events.calendarChanged(tx, agentId, organisation))
                .compose(v -> audited(tx, caller, "agent.absence_added", "agent", agentId)))))
        .onSuccess(v -> slotCache.calendarsChanged())
        .compose(v -> availability(caller, agentId));
  }

  private static final int NAMED_APPOINTMENTS = 5;

  /** The first few appointments in the way, by reference and time, to name them in a refusal. */
  private static List<ProblemTexts.Phrase> named(List<VisioStore.Taken> taken, ZoneId zone) {
    return taken.stream().limit(NAMED_APPOINTMENTS)
        .map(t -> new ProblemTexts.Phrase("{0} ({1})", t.reference(), t.start().atZone(zone))).toList();
  }

  /**
   * The whole administration closed (a bank holiday bridge, a strike, a move): the same absence
   * for each of its agents, refused while any of them has appointments in that period.
   */
  public Future<VisioRecords.Closure> closeOrganisation(Principal caller, UUID organisationId, VisioRecords.NewException body) {
    VisioRights.requireClosureOf(caller, organisationId);
    Instant start = body.start().toInstant();
    Instant end = body.end().toInstant();
    if (!start.isBefore(end)) {
      return Future.failedFuture(ApiException.badRequest("Invalid field 'end': must come after 'start'."));
    }
    return store.administrationZone(platform.pool(), organisationId)
        .map(found -> found.orElseThrow(() -> ApiException.notFound("No such administration.")))
        .compose(zone -> platform.pool().withTransaction(tx ->
            store.lockAgentsOf(tx, organisationId)
                .compose(agents -> store.openAppointmentsOfOrganisation(tx, organisationId, start, end, NAMED_APPOINTMENTS + 1))
                .compose(taken -> taken.isEmpty() ? store.insertClosure(tx, organisationId, start, end, body.reason())
                    : Future.failedFuture(taken.size() > NAMED_APPOINTMENTS
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

  private Future<UUID> organisationOf(UUID agentId) {
    return store.agentOrganisation(platform.pool(), agentId)
        .map(org -> org.orElseThrow(() -> ApiException.notFound("No such agent.")));
  }

  private Future<ZoneId> zoneOfAgent(UUID agentId) {
    return organisationOf(agentId).compose(org -> store.zoneOf(platform.pool(), org));
  }

  private static void checkHours(List<VisioRecords.Hours> hours) {
    if (hours == null) {
      return;
    }
    for (VisioRecords.Hours h : hours) {
      if (!h.start().isBefore(h.end())) {
        throw ApiException.badRequest("Invalid field 'hours': each range must end after it starts.");
      }
    }
  }
}
