package fr.cantou.visio;

import fr.cantou.platform.http.ClientAddress;
import fr.cantou.identity.CurrentUser;
import fr.cantou.platform.Ids;
import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.ApiModule;
import fr.cantou.platform.http.Endpoint;
import fr.cantou.platform.http.Responses;
import fr.cantou.platform.http.JsonBody;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/** HTTP adapter of visio-accueil. */
public final class VisioRoutes implements ApiModule {
  private final ShortLinks shortLinks;
  private final CatalogueService catalogue;
  private final CalendarService calendars;
  private final SlotService slots;
  private final BookingService bookings;
  private final AppointmentService appointments;
  private final MeetingService meeting;
  private final OutcomeUndo undo;
  private final CitizenDataService citizenData;
  private final CalendarFiles calendarFiles;
  private final Convocation convocation;
  private final LostLinkService lostLinks;
  private final ClientAddress addresses;
  private final ApiModule waitingList;

  VisioRoutes(CatalogueService catalogue, CalendarService calendars, SlotService slots, BookingService bookings,
              AppointmentService appointments, MeetingService meeting, OutcomeUndo undo, CitizenDataService citizenData,
              CalendarFiles calendarFiles, Convocation convocation, LostLinkService lostLinks, ClientAddress addresses,
              ApiModule waitingList,
              ShortLinks shortLinks) {
    this.waitingList = waitingList;
    this.shortLinks = shortLinks;
    this.catalogue = catalogue;
    this.calendars = calendars;
    this.slots = slots;
    this.bookings = bookings;
    this.appointments = appointments;
    this.meeting = meeting;
    this.undo = undo;
    this.citizenData = citizenData;
    this.calendarFiles = calendarFiles;
    this.convocation = convocation;
    this.lostLinks = lostLinks;
    this.addresses = addresses;
  }

  @Override
  public void mount(RouterBuilder api) {
    api.getRoute("listVisioServices").addHandler(Endpoint.ok(ctx -> catalogue.services()));
    api.getRoute("getVisioService").addHandler(Endpoint.ok(ctx -> catalogue.service(Ids.parse(ctx.pathParam("id"), "service"))));
    api.getRoute("listVisioPoints").addHandler(Endpoint.ok(ctx -> catalogue.points()));
    api.getRoute("listSlots").addHandler(Endpoint.ok(ctx -> slots.slots(Ids.parse(ctx.pathParam("id"), "service"),
        date(ctx, "from"), date(ctx, "to"), pointId(ctx))));

    api.getRoute("bookAppointment").addHandler(Endpoint.created(ctx -> bookings.book(CurrentUser.of(ctx).orElse(null),
        JsonBody.read(ctx, VisioRecords.Booking.class), ctx.request().getHeader("Idempotency-Key"), addresses.of(ctx))));
    api.getRoute("listContactlessBookings").addHandler(Endpoint.ok(ctx -> appointments.contactlessBookedBy(
        CurrentUser.require(ctx), Ids.parse(ctx.pathParam("id"), "user"))));
    api.getRoute("listAppointments").addHandler(Endpoint.ok(ctx -> appointments.list(CurrentUser.require(ctx),
        ctx.queryParams().get("date") == null ? null : date(ctx, "date"))));
    api.getRoute("getAppointment").addHandler(Endpoint.ok(ctx -> appointments.read(caller(ctx), appointment(ctx),
        "appointment.read")));
    api.getRoute("cancelAppointment").addHandler(Endpoint.ok(ctx -> bookings.cancel(caller(ctx), appointment(ctx))));
    api.getRoute("rescheduleAppointment").addHandler(Endpoint.ok(ctx -> bookings.reschedule(caller(ctx), appointment(ctx),
        JsonBody.read(ctx, VisioRecords.Reschedule.class).start().toInstant())));
    api.getRoute("renewManageLink").addHandler(Endpoint.json(202, ctx -> appointments.renewManageLink(caller(ctx), appointment(ctx))
        // "mailed" kept for the clients that read it: sent at all; "sentBy" says where.
        .map(sentBy -> new io.vertx.core.json.JsonObject().put("mailed", sentBy.isPresent()).put("sentBy", sentBy.orElse(null)))));
    api.getRoute("requestLostLink").addHandler(Endpoint.json(202, ctx -> lostLinks.request(
        JsonBody.read(ctx, VisioRecords.LostLink.class), addresses.of(ctx))
        .map(sentence -> new io.vertx.core.json.JsonObject().put("message", sentence))));
    api.getRoute("joinAppointment").addHandler(Endpoint.ok(ctx -> meeting.join(caller(ctx), appointment(ctx))));
    api.getRoute("appointmentPresence").addHandler(Endpoint.ok(ctx -> meeting.presence(caller(ctx), appointment(ctx),
        JsonBody.read(ctx, VisioRecords.PresenceBody.class).state())));
    api.getRoute("completeAppointment").addHandler(Endpoint.ok(ctx -> meeting.finish(caller(ctx), appointment(ctx), true)));
    api.getRoute("noShowAppointment").addHandler(Endpoint.ok(ctx -> meeting.finish(caller(ctx), appointment(ctx), false)));
    api.getRoute("undoAppointmentOutcome").addHandler(Endpoint.ok(ctx -> undo.undo(caller(ctx), appointment(ctx))));

    api.getRoute("appointmentCalendar").addHandler(Endpoint.answer(ctx -> calendarFiles.of(caller(ctx), appointment(ctx)),
        (ctx, ics) -> ctx.response().putHeader("Content-Type", "text/calendar; charset=utf-8")
            .putHeader("Content-Disposition", "attachment; filename=\"rendez-vous.ics\"")
            .putHeader("Cache-Control", "no-store")
            .end(io.vertx.core.buffer.Buffer.buffer(ics))));
    api.getRoute("appointmentConvocation").addHandler(Endpoint.ok(ctx -> appointments.convocation(
        Caller.of(CurrentUser.require(ctx), null, addresses.of(ctx)), appointment(ctx))));
    api.getRoute("appointmentQrCode").addHandler(Endpoint.answer(ctx -> convocation.qrCode(caller(ctx), appointment(ctx)),
        // Read with her link's secret: kept in no cache (a shared computer at a France Services house); the page keeps it.
        (ctx, svg) -> ctx.response().putHeader("Content-Type", "image/svg+xml")
            .putHeader("Cache-Control", "no-store")
            .end(svg)));
    api.getRoute("exportAppointmentData").addHandler(Endpoint.answer(ctx ->
        citizenData.personalData(caller(ctx), appointment(ctx), addresses.of(ctx)),
        (ctx, data) -> {
          ctx.response().putHeader("Content-Disposition", "attachment; filename=\"rendez-vous-" + data.appointment().reference()
              + ".json\"").putHeader("Cache-Control", "no-store");
          Responses.json(ctx, 200, data);
        }));
    api.getRoute("eraseAppointmentData").addHandler(Endpoint.ok(ctx -> citizenData.erase(caller(ctx), appointment(ctx),
        addresses.of(ctx))));
    api.getRoute("createVisioService").addHandler(Endpoint.created(ctx -> catalogue.createService(CurrentUser.require(ctx),
        JsonBody.read(ctx, VisioRecords.NewService.class), ctx.request().getHeader("Idempotency-Key"))));
    api.getRoute("createVisioPoint").addHandler(Endpoint.created(ctx -> catalogue.createPoint(CurrentUser.require(ctx),
        JsonBody.read(ctx, VisioRecords.NewPoint.class), ctx.request().getHeader("Idempotency-Key"))));
    api.getRoute("updateVisioService").addHandler(Endpoint.ok(ctx -> catalogue.updateService(CurrentUser.require(ctx),
        Ids.parse(ctx.pathParam("id"), "service"), JsonBody.read(ctx, VisioRecords.ServiceChange.class))));
    api.getRoute("withdrawVisioService").addHandler(Endpoint.noContent(ctx -> catalogue.withdrawService(CurrentUser.require(ctx),
        Ids.parse(ctx.pathParam("id"), "service"))));
    api.getRoute("updateVisioPoint").addHandler(Endpoint.ok(ctx -> catalogue.updatePoint(CurrentUser.require(ctx),
        Ids.parse(ctx.pathParam("id"), "point"), JsonBody.read(ctx, VisioRecords.PointChange.class))));
    api.getRoute("withdrawVisioPoint").addHandler(Endpoint.noContent(ctx -> catalogue.withdrawPoint(CurrentUser.require(ctx),
        Ids.parse(ctx.pathParam("id"), "point"))));
    api.getRoute("getAgentAvailability").addHandler(Endpoint.ok(ctx -> calendars.availability(CurrentUser.require(ctx),
        Ids.parse(ctx.pathParam("agentId"), "agent"))));
    api.getRoute("setAgentAvailability").addHandler(Endpoint.ok(ctx -> calendars.setAvailability(CurrentUser.require(ctx),
        Ids.parse(ctx.pathParam("agentId"), "agent"), JsonBody.read(ctx, VisioRecords.Availability.class))));
    api.getRoute("addAgentException").addHandler(Endpoint.created(ctx -> calendars.addException(CurrentUser.require(ctx),
        Ids.parse(ctx.pathParam("agentId"), "agent"), JsonBody.read(ctx, VisioRecords.NewException.class),
        ctx.request().getHeader("Idempotency-Key"))));
    api.getRoute("closeOrganisation").addHandler(Endpoint.created(ctx -> calendars.closeOrganisation(CurrentUser.require(ctx),
        Ids.parse(ctx.pathParam("id"), "organisation"), JsonBody.read(ctx, VisioRecords.NewException.class),
        ctx.request().getHeader("Idempotency-Key"))));
    api.getRoute("removeAgentException").addHandler(Endpoint.ok(ctx -> calendars.removeException(CurrentUser.require(ctx),
        Ids.parse(ctx.pathParam("agentId"), "agent"), exceptionId(ctx))));
    waitingList.mount(api);
  }

  /**
   * {@code GET /r/{link}}, the short link of an SMS: a redirect to the manage page (or, for an
   * offer of the waiting list, her place on the list) with the full token in the fragment (never
   * sent on to the server), or to the page's "lost link" form when the link is wrong, renewed or
   * expired. The target is always a path of this site: no open redirect.
   */
  public io.vertx.core.Handler<RoutingContext> shortLinks() {
    return ctx -> shortLinks.target(ctx.pathParam("link"))
        .onFailure(ctx::fail)
        .onSuccess(target -> ctx.response().setStatusCode(302)
            .putHeader("Location", target)
            .putHeader("Cache-Control", "no-store")
            .putHeader("Referrer-Policy", "no-referrer")
            .end());
  }

  /** {@code GET /rendez-vous.html}: the booking page with its first step and the catalogue written in ({@link BookingPage}). */
  public io.vertx.core.Handler<RoutingContext> bookingPage(io.vertx.core.Vertx vertx, String webRoot) {
    return new BookingPage(vertx, webRoot, catalogue);
  }

  private static long exceptionId(RoutingContext ctx) {
    try {
      return Long.parseLong(ctx.pathParam("exceptionId"));
    } catch (NumberFormatException e) {
      throw ApiException.notFound("This agent has no such absence.");
    }
  }

  private Caller caller(RoutingContext ctx) {
    return Caller.of(CurrentUser.of(ctx).orElse(null), ctx.request().getHeader("X-Manage-Token"), addresses.of(ctx));
  }

  private static UUID appointment(RoutingContext ctx) {
    return Ids.parse(ctx.pathParam("id"), "appointment");
  }

  private static UUID pointId(RoutingContext ctx) {
    String value = ctx.queryParams().get("pointId");
    return value == null ? null : Ids.parse(value, "point visio-accueil");
  }

  private static LocalDate date(RoutingContext ctx, String name) {
    String value = ctx.queryParams().get(name);
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException | NullPointerException e) {
      throw ApiException.badRequest("Invalid query parameter '{0}': a date such as 2026-12-01.", name);
    }
  }

}
