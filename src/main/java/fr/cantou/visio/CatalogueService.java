package fr.cantou.visio;

import fr.cantou.identity.AdminCreations;
import fr.cantou.identity.ChangeAuditStore;
import fr.cantou.identity.Principal;
import fr.cantou.platform.Ids;
import fr.cantou.platform.Platform;
import fr.cantou.platform.db.DatabaseErrors.Refused;
import fr.cantou.platform.http.ApiException;
import fr.cantou.visio.VisioStore.Refusal;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

import java.time.ZoneId;
import java.util.List;
import java.util.UUID;

import static fr.cantou.visio.AppointmentInTheWay.NAMED;
import static fr.cantou.visio.AppointmentInTheWay.named;

/**
 * The catalogue the département sets up: the administrations' services and the points
 * visio-accueil, read by everyone, written by an admin. A change reaches every node's slots
 * at once (an event).
 */
public final class CatalogueService {
  private final Platform platform;
  private final CatalogueStore store;
  private final VisioEvents events;
  private final SlotCache slotCache;
  private final AdminCreations creations;

  CatalogueService(Platform platform, CatalogueStore store, VisioEvents events, SlotCache slotCache) {
    this.platform = platform;
    this.creations = new AdminCreations(platform);
    this.store = store;
    this.events = events;
    this.slotCache = slotCache;
  }

  // Read by everyone.

  public Future<List<VisioRecords.Service>> services() {
    return store.services(platform.pool()).map(rows -> rows.stream().map(CatalogueService::view).toList());
  }

  public Future<VisioRecords.Service> service(UUID id) {
    return serviceRow(id).map(CatalogueService::view);
  }

  /** The service as the other parts of visio-accueil use it (its duration, zone, reference prefix). */
  Future<CatalogueStore.ServiceRow> serviceRow(UUID id) {
    return store.service(platform.pool(), id).map(found -> found.orElseThrow(() -> ApiException.notFound("No such service.")));
  }

  private static VisioRecords.Service view(CatalogueStore.ServiceRow s) {
    return new VisioRecords.Service(s.id().toString(), s.name(), s.administration(), s.organisationId().toString(),
        s.durationMinutes(), s.description(), s.documents(), s.zone().getId());
  }

  public Future<List<VisioRecords.Point>> points() {
    return store.points(platform.pool());
  }

  // Services, written by an admin.

  /** Sent again with its Idempotency-Key ({@code key}, or null), answered with the service the first made. */
  public Future<VisioRecords.Service> createService(Principal admin, VisioRecords.NewService body, String key) {
    VisioRights.requireAdmin(admin);
    UUID organisation = Ids.field(body.organisationId(), "organisationId");
    return creations.once(admin, key, "service", body, tx -> store.insertService(tx, organisation, body.name().trim(),
                body.description() == null ? "" : body.description().trim(),
                body.documents() == null ? List.of() : body.documents(), body.durationMinutes(), body.referencePrefix())
            .compose(id -> audited(tx, admin, "service.created", "service", id).map(id.toString())),
            e -> Refused.is(e, Refusal.SERVICE_NAME_TAKEN))
        .map(UUID::fromString)
        .recover(e -> Future.failedFuture(Refused.is(e, Refusal.SERVICE_NAME_TAKEN)
            ? ApiException.conflict("This administration already has a service of that name.")
            : Refused.is(e, Refusal.NO_SUCH_ADMINISTRATION)
                ? ApiException.badRequest("Invalid field 'organisationId': no such administration.") : e))
        .compose(id -> store.service(platform.pool(), id)).map(found -> view(found.orElseThrow(CatalogueService::madeThenWithdrawn)));
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
        .compose(v -> store.service(platform.pool(), id)).map(found -> view(found.orElseThrow()));
  }

  /** No longer listed nor bookable; appointments already booked stay and are honoured. */
  public Future<Void> withdrawService(Principal admin, UUID id) {
    VisioRights.requireAdmin(admin);
    return platform.pool().withTransaction(tx -> store.withdrawService(tx, id)
            .compose(found -> found ? events.catalogueChanged(tx) : Future.failedFuture(ApiException.notFound("No such service.")))
            .compose(v -> audited(tx, admin, "service.withdrawn", "service", id)))
        .onSuccess(v -> slotCache.calendarsChanged());
  }

  /**
   * A creation sent again with its key after what the first made was withdrawn (her answer lost, she withdrew it from
   * another tab): made, and no longer listed. A 500 before (the read of what it made finds only what is listed).
   */
  private static ApiException madeThenWithdrawn() {
    return ApiException.conflict("It was created by this request, then withdrawn since: it is no longer listed.");
  }

  // Points, written by an admin.

  /** Sent again with its Idempotency-Key ({@code key}, or null), answered with the point the first made. */
  public Future<VisioRecords.Point> createPoint(Principal admin, VisioRecords.NewPoint body, String key) {
    VisioRights.requireAdmin(admin);
    UUID organisation = body.organisationId() == null ? null : Ids.field(body.organisationId(), "organisationId");
    return checkHours(body.hours()).compose(ok -> pointPhone(body.phone()))
        .compose(phone -> creations.once(admin, key, "point", body, tx -> store.insertPoint(tx, body, organisation, phone)
            .compose(id -> audited(tx, admin, "point.created", "point", id).map(id.toString())),
            e -> Refused.is(e, Refusal.POINT_NAME_TAKEN)))
        .map(UUID::fromString)
        .recover(e -> Future.failedFuture(Refused.is(e, Refusal.POINT_NAME_TAKEN)
            ? ApiException.conflict("A point of this name already exists in {0}.", body.commune()) : e))
        .compose(id -> store.point(platform.pool(), id)).map(found -> found.orElseThrow(CatalogueService::madeThenWithdrawn));
  }

  public Future<VisioRecords.Point> updatePoint(Principal admin, UUID id, VisioRecords.PointChange body) {
    VisioRights.requireAdmin(admin);
    return checkHours(body.hours()).compose(ok -> pointPhone(body.phone()))
        .compose(phone -> platform.pool().withTransaction(tx -> store.updatePoint(tx, id, body, phone)
            .compose(found -> found ? events.catalogueChanged(tx)
                : Future.failedFuture(ApiException.notFound("No such point visio-accueil.")))
            .compose(v -> audited(tx, admin, "point.updated", "point", id))))
        .recover(e -> Future.failedFuture(Refused.is(e, Refusal.POINT_NAME_TAKEN)
            ? ApiException.conflict("A point of this name already exists in {0}.", body.commune().trim()) : e))
        .onSuccess(v -> slotCache.calendarsChanged())
        .compose(v -> store.point(platform.pool(), id)).map(found -> found.orElseThrow());
  }

  /** The reception's phone as written (04 71 12 34 56), null when none is given; 400 when it is not a phone number. */
  private static Future<String> pointPhone(String typed) {
    if (typed == null || typed.isBlank()) {
      return Future.succeededFuture(null);
    }
    return fr.cantou.platform.PhoneNumbers.written(typed).map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(
        ApiException.badRequest("Invalid field 'phone': a phone number such as 04 65 71 12 34.")));
  }

  /**
   * Closes a point for good. Refused while appointments are booked there: the citizens would come
   * to a closed door. The point's lock keeps a booking from slipping in meanwhile.
   */
  public Future<Void> withdrawPoint(Principal admin, UUID id) {
    VisioRights.requireAdmin(admin);
    ZoneId zone = platform.config().defaultTimeZone();
    return platform.pool().withTransaction(tx -> store.lockPoint(tx, id)
            .compose(v -> store.openAppointmentsAtPoint(tx, id, platform.clock().instant(), NAMED + 1))
            .compose(taken -> taken.isEmpty() ? store.withdrawPoint(tx, id)
                : Future.failedFuture(taken.size() > NAMED
                    ? ApiException.conflict("Appointments are booked at this point: {0} and more. Move or cancel them first.",
                        named(taken, zone))
                    : ApiException.conflict("Appointments are booked at this point: {0}. Move or cancel them first.",
                        named(taken, zone))))
            .compose(found -> found ? events.catalogueChanged(tx).compose(v -> events.pointWithdrawn(tx, id))
                : Future.failedFuture(ApiException.notFound("No such point visio-accueil.")))
            .compose(v -> audited(tx, admin, "point.withdrawn", "point", id)))
        .onSuccess(v -> slotCache.calendarsChanged());
  }

  /** A change of the catalogue, in the admins' audit trail. */
  private Future<Void> audited(SqlClient tx, Principal by, String action, String kind, Object id) {
    return ChangeAuditStore.record(tx, by, action, kind, id, platform.clock().instant());
  }

  /** Weekly hours, a point's or an agent's: each range ends after it starts. */
  static Future<Void> checkHours(List<VisioRecords.Hours> hours) {
    return hours != null && hours.stream().anyMatch(h -> !h.start().isBefore(h.end()))
        ? Future.failedFuture(ApiException.badRequest("Invalid field 'hours': each range must end after it starts."))
        : Future.succeededFuture();
  }
}
