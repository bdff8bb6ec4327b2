package fr.cantou.visio;

import fr.cantou.identity.CurrentUser;
import fr.cantou.platform.Ids;
import fr.cantou.platform.http.ApiModule;
import fr.cantou.platform.http.ClientAddress;
import fr.cantou.platform.http.Endpoint;
import fr.cantou.platform.http.JsonBody;
import fr.cantou.platform.http.Responses;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;

import java.util.UUID;

/** HTTP adapter of the waiting list; the entry's secret travels as a manage token does (X-Manage-Token). */
final class WaitingListRoutes implements ApiModule {
  private final WaitingListService waitingList;
  private final WaitingPersonalData personalData;
  private final ClientAddress addresses;

  WaitingListRoutes(WaitingListService waitingList, WaitingPersonalData personalData, ClientAddress addresses) {
    this.waitingList = waitingList;
    this.personalData = personalData;
    this.addresses = addresses;
  }

  @Override
  public void mount(RouterBuilder api) {
    api.getRoute("joinWaitingList").addHandler(Endpoint.created(ctx -> waitingList.join(CurrentUser.of(ctx).orElse(null),
        JsonBody.read(ctx, VisioRecords.WaitingBody.class), addresses.of(ctx), ctx.request().getHeader("Idempotency-Key"))));
    api.getRoute("getWaitingEntry").addHandler(Endpoint.ok(ctx -> waitingList.entry(caller(ctx), entry(ctx))));
    api.getRoute("takeWaitingOffer").addHandler(Endpoint.created(ctx -> waitingList.take(caller(ctx), entry(ctx))));
    api.getRoute("declineWaitingOffer").addHandler(Endpoint.ok(ctx -> waitingList.decline(caller(ctx), entry(ctx))));
    api.getRoute("leaveWaitingList").addHandler(Endpoint.ok(ctx -> waitingList.leave(caller(ctx), entry(ctx))));
    api.getRoute("exportWaitingPlaceData").addHandler(Endpoint.answer(ctx ->
        personalData.ownExport(caller(ctx), entry(ctx), addresses.of(ctx)), (ctx, data) -> {
          ctx.response().putHeader("Content-Disposition", "attachment; filename=\"liste-attente.json\"")
              .putHeader("Cache-Control", "no-store");
          Responses.json(ctx, 200, data);
        }));
    api.getRoute("waitingListLength").addHandler(Endpoint.ok(ctx -> waitingList.length(CurrentUser.require(ctx),
        Ids.parse(ctx.pathParam("id"), "service"))));
  }

  private Caller caller(RoutingContext ctx) {
    return Caller.of(CurrentUser.of(ctx).orElse(null), ctx.request().getHeader("X-Manage-Token"), addresses.of(ctx));
  }

  private static UUID entry(RoutingContext ctx) {
    return Ids.parse(ctx.pathParam("id"), "waiting_list_place");
  }
}
