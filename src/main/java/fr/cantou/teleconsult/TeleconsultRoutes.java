package fr.cantou.teleconsult;

import fr.cantou.identity.CurrentUser;
import fr.cantou.identity.Principal;
import fr.cantou.platform.Ids;
import fr.cantou.platform.http.ApiModule;
import fr.cantou.platform.http.Endpoint;
import fr.cantou.platform.http.Responses;
import fr.cantou.platform.http.JsonBody;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/** HTTP adapter of the teleconsultation queue and of doctors' presence (a request's files and its report: {@link CareFileRoutes}; a call's guests: {@link GuestRoutes}). */
public final class TeleconsultRoutes implements ApiModule {
  private final TeleconsultService service;
  private final IntakeService intake;
  private final CallService calls;
  private final CareExchangeService exchange;
  private final PresenceService presence;
  private final CareFileRoutes files;
  private final GuestRoutes guests;

  TeleconsultRoutes(TeleconsultService service, IntakeService intake, CallService calls, CareExchangeService exchange,
                    CareFileService files, CareReportService reports,
                    PresenceService presence, GuestService guests) {
    this.service = service;
    this.intake = intake;
    this.calls = calls;
    this.exchange = exchange;
    this.presence = presence;
    this.files = new CareFileRoutes(files, reports);
    this.guests = new GuestRoutes(guests);
  }

  record PresenceRequest(String status) {}

  record MessageRequest(String text) {}

  @Override
  public void mount(RouterBuilder api) {
    api.getRoute("createTeleconsultation").addHandler(Endpoint.created(ctx -> intake.create(CurrentUser.require(ctx),
        JsonBody.read(ctx, NewTeleconsultation.class), ctx.request().getHeader("Idempotency-Key"))));
    api.getRoute("listTeleconsultations").addHandler(Endpoint.ok(ctx ->
        service.list(CurrentUser.require(ctx), ctx.queryParams().get("status"))));
    api.getRoute("getTeleconsultation").addHandler(Endpoint.ok(ctx ->
        service.get(CurrentUser.require(ctx), Ids.parse(ctx.pathParam("id"), "teleconsultation"))));
    api.getRoute("teleconsultationTimeline").addHandler(Endpoint.ok(ctx ->
        service.timeline(CurrentUser.require(ctx), Ids.parse(ctx.pathParam("id"), "teleconsultation"))));
    api.getRoute("claimTeleconsultation").addHandler(Endpoint.ok(ctx ->
        service.claim(CurrentUser.require(ctx), Ids.parse(ctx.pathParam("id"), "teleconsultation"))));
    api.getRoute("nextTeleconsultation").addHandler(Endpoint.answer(ctx -> service.next(CurrentUser.require(ctx)),
        (ctx, found) -> found.ifPresentOrElse(item -> Responses.ok(ctx, item), () -> Responses.noContent(ctx))));
    api.getRoute("releaseTeleconsultation").addHandler(Endpoint.ok(ctx ->
        service.release(CurrentUser.require(ctx), Ids.parse(ctx.pathParam("id"), "teleconsultation"))));
    api.getRoute("joinTeleconsultation").addHandler(Endpoint.ok(ctx ->
        calls.join(CurrentUser.require(ctx), Ids.parse(ctx.pathParam("id"), "teleconsultation"))));
    api.getRoute("completeTeleconsultation").addHandler(Endpoint.ok(ctx -> {
      NewTeleconsultation.Completion body = JsonBody.read(ctx, NewTeleconsultation.Completion.class);
      return service.complete(CurrentUser.require(ctx), Ids.parse(ctx.pathParam("id"), "teleconsultation"),
          body.report(), body.outcome());
    }));
    api.getRoute("addTeleconsultationVitalSigns").addHandler(Endpoint.ok(ctx -> exchange.addVitalSigns(CurrentUser.require(ctx),
        Ids.parse(ctx.pathParam("id"), "teleconsultation"), JsonBody.read(ctx, VitalSigns.Measured.class),
        ctx.request().getHeader("Idempotency-Key"))));
    api.getRoute("writeTeleconsultationMessage").addHandler(Endpoint.ok(ctx -> exchange.write(CurrentUser.require(ctx),
        Ids.parse(ctx.pathParam("id"), "teleconsultation"), JsonBody.read(ctx, MessageRequest.class).text(),
        ctx.request().getHeader("Idempotency-Key"))));
    api.getRoute("teleconsultationToVideo").addHandler(Endpoint.ok(ctx ->
        exchange.toVideo(CurrentUser.require(ctx), Ids.parse(ctx.pathParam("id"), "teleconsultation"))));
    api.getRoute("cancelTeleconsultation").addHandler(Endpoint.ok(ctx ->
        service.cancel(CurrentUser.require(ctx), Ids.parse(ctx.pathParam("id"), "teleconsultation"))));
    files.mount(api);
    guests.mount(api);

    api.getRoute("listPresence").addHandler(Endpoint.ok(ctx -> {
      TeleconsultRights.requireSeePresence(CurrentUser.require(ctx));
      return presence.all();
    }));
    api.getRoute("setPresence").addHandler(Endpoint.ok(ctx -> {
      Principal doctor = TeleconsultRights.requireDoctor(CurrentUser.require(ctx));
      return presence.set(doctor, JsonBody.read(ctx, PresenceRequest.class).status());
    }));
  }
}
