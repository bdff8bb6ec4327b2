package fr.cantou.teleconsult;

import fr.cantou.identity.CurrentUser;
import fr.cantou.platform.Ids;
import fr.cantou.platform.http.Endpoint;
import fr.cantou.platform.http.JsonBody;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/**
 * HTTP adapter of a call's guests: the nurse and the doctor invite, list and remove them (bearer);
 * the guest reads her invitation and joins with her secret in X-Guest-Token (never in the URL) and her browser's key in
 * X-Guest-Device.
 */
final class GuestRoutes {
  static final String TOKEN_HEADER = "X-Guest-Token";
  /** The key the guest's page made for this browser, which the link is bound to once opened. */
  static final String DEVICE_HEADER = "X-Guest-Device";
  private final GuestService guests;

  GuestRoutes(GuestService guests) {
    this.guests = guests;
  }

  void mount(RouterBuilder api) {
    api.getRoute("inviteTeleconsultationGuest").addHandler(Endpoint.created(ctx -> guests.invite(CurrentUser.require(ctx),
        Ids.parse(ctx.pathParam("id"), "teleconsultation"), JsonBody.read(ctx, NewGuest.class),
        ctx.request().getHeader("Idempotency-Key"))));
    api.getRoute("listTeleconsultationGuests").addHandler(Endpoint.ok(ctx -> guests.list(CurrentUser.require(ctx),
        Ids.parse(ctx.pathParam("id"), "teleconsultation"))));
    api.getRoute("removeTeleconsultationGuest").addHandler(Endpoint.ok(ctx -> guests.remove(CurrentUser.require(ctx),
        Ids.parse(ctx.pathParam("id"), "teleconsultation"), Ids.parse(ctx.pathParam("guestId"), "guest"))));
    api.getRoute("guestInvitation").addHandler(Endpoint.ok(ctx -> guests.invitation(
        Ids.parse(ctx.pathParam("id"), "teleconsultation"), ctx.request().getHeader(TOKEN_HEADER),
        ctx.request().getHeader(DEVICE_HEADER))));
    api.getRoute("guestJoin").addHandler(Endpoint.ok(ctx -> guests.join(
        Ids.parse(ctx.pathParam("id"), "teleconsultation"), ctx.request().getHeader(TOKEN_HEADER),
        ctx.request().getHeader(DEVICE_HEADER))));
  }
}
