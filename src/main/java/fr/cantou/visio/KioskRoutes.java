package fr.cantou.visio;

import fr.cantou.identity.CurrentUser;
import fr.cantou.platform.Ids;
import fr.cantou.platform.http.ApiModule;
import fr.cantou.platform.http.ClientAddress;
import fr.cantou.platform.http.Endpoint;
import fr.cantou.platform.http.JsonBody;
import fr.cantou.platform.http.StreamedBody;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;

import java.util.UUID;
import java.util.function.Function;

/**
 * HTTP adapter of the points' screens: staff pair, list and revoke them; the screen, with its
 * device token in {@code X-Kiosk-Token}, reads its day, checks a citizen in (tapped, typed or scanned), books one of its free slots for someone
 * who came without an appointment, and joins her call.
 * Every answer to the screen is {@code Cache-Control: no-store}: a shared screen keeps no copy.
 */
final class KioskRoutes implements ApiModule {
  private final KioskPairing pairing;
  private final KioskService kiosks;
  private final KioskBookings bookings;
  private final KioskScans scans;
  private final ClientAddress addresses;

  KioskRoutes(KioskPairing pairing, KioskService kiosks, KioskBookings bookings, KioskScans scans,
              ClientAddress addresses) {
    this.pairing = pairing;
    this.kiosks = kiosks;
    this.bookings = bookings;
    this.scans = scans;
    this.addresses = addresses;
  }

  /** A screen's check-in: the appointment tapped, or the reference typed. */
  record CheckIn(String appointmentId, String reference) {}

  record NewKiosk(String label) {}

  record Pair(String code) {}

  @Override
  public void mount(RouterBuilder api) {
    api.getRoute("createKiosk").addHandler(Endpoint.created(noStore(ctx -> pairing.create(CurrentUser.require(ctx), point(ctx),
        JsonBody.read(ctx, NewKiosk.class).label(), ctx.request().getHeader("Idempotency-Key"), addresses.of(ctx)))));
    api.getRoute("listKiosks").addHandler(Endpoint.ok(noStore(ctx -> pairing.list(CurrentUser.require(ctx), point(ctx)))));
    api.getRoute("revokeKiosk").addHandler(Endpoint.ok(ctx -> pairing.revoke(CurrentUser.require(ctx), point(ctx),
        Ids.parse(ctx.pathParam("kioskId"), "screen"), addresses.of(ctx))));

    api.getRoute("pairKiosk").addHandler(Endpoint.created(noStore(ctx -> pairing.pair(JsonBody.read(ctx, Pair.class).code(),
        ctx.request().getHeader("Idempotency-Key"), addresses.of(ctx)))));
    api.getRoute("kioskDay").addHandler(Endpoint.ok(noStore(ctx -> kiosks.day(token(ctx)))));
    api.getRoute("kioskCheckIn").addHandler(Endpoint.ok(noStore(ctx -> {
      CheckIn body = JsonBody.read(ctx, CheckIn.class);
      UUID id = body.appointmentId() == null ? null : Ids.field(body.appointmentId(), "appointmentId");
      return kiosks.checkIn(token(ctx), id, body.reference(), addresses.of(ctx));
    })));
    // The frame is a raw body (RequestBodies leaves it unread): read in memory once the screen is known, never stored.
    api.getRoute("kioskScan").setDoValidation(false).addHandler(Endpoint.ok(noStore(ctx -> scans.scan(token(ctx),
        () -> StreamedBody.inMemory(ctx, KioskScans.MAX_BYTES, KioskScans.tooLarge()), addresses.of(ctx)))));
    api.getRoute("kioskBook").addHandler(Endpoint.created(noStore(ctx -> bookings.book(token(ctx),
        JsonBody.read(ctx, VisioRecords.Booking.class), ctx.request().getHeader("Idempotency-Key"), addresses.of(ctx)))));
    api.getRoute("kioskAppointment").addHandler(Endpoint.ok(noStore(ctx -> kiosks.appointment(token(ctx), appointment(ctx)))));
    api.getRoute("kioskJoin").addHandler(Endpoint.ok(noStore(ctx -> kiosks.join(token(ctx), appointment(ctx), addresses.of(ctx)))));
    api.getRoute("kioskPresence").addHandler(Endpoint.ok(noStore(ctx -> kiosks.presence(token(ctx), appointment(ctx),
        JsonBody.read(ctx, VisioRecords.PresenceBody.class).state(), addresses.of(ctx)))));
    api.getRoute("kioskLeave").addHandler(Endpoint.ok(noStore(ctx -> kiosks.leave(token(ctx), appointment(ctx), addresses.of(ctx)))));
  }

  /** Before anything is answered, refusals included: nothing a screen asked is kept by it or on the way. */
  private static Function<RoutingContext, Future<?>> noStore(Function<RoutingContext, Future<?>> action) {
    return ctx -> {
      ctx.response().putHeader("Cache-Control", "no-store");
      return action.apply(ctx);
    };
  }

  private static String token(RoutingContext ctx) {
    return ctx.request().getHeader("X-Kiosk-Token");
  }

  private static UUID point(RoutingContext ctx) {
    return Ids.parse(ctx.pathParam("id"), "point");
  }

  private static UUID appointment(RoutingContext ctx) {
    return Ids.parse(ctx.pathParam("id"), "appointment");
  }
}
