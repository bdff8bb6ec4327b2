package fr.cantou.visio;

import fr.cantou.identity.AccessAuditStore;
import fr.cantou.identity.ChangeAuditStore;
import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;
import fr.cantou.platform.Platform;
import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.ProblemTexts;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;

/**
 * An appointment once booked, as whoever may open it reads it: one, an agent's day, a
 * mediator's bookings; its manage link renewed; the calls going on, for the figures. The other
 * parts of visio-accueil read appointments through here.
 */
public final class AppointmentService {
  /** How an appointment's rooms are named (then about 120 random bits). */
  static final String ROOM_PREFIX = "cantou-va";
  private final Platform platform;
  private final VisioConfig settings;
  private final AppointmentStore store;
  private final CalendarStore calendars;
  private final MailStore mails;
  private final ManageTokens tokens;
  private final VisioEvents events;
  private final fr.cantou.rooms.JitsiRooms rooms;

  AppointmentService(Platform platform, VisioConfig settings, AppointmentStore store, CalendarStore calendars, MailStore mails,
                     ManageTokens tokens, VisioEvents events, fr.cantou.rooms.JitsiRooms rooms) {
    this.events = events;
    this.rooms = rooms;
    this.platform = platform;
    this.settings = settings;
    this.store = store;
    this.calendars = calendars;
    this.mails = mails;
    this.tokens = tokens;
  }

  private Instant now() {
    return platform.clock().instant();
  }

  /** The appointment, for whoever may open it (its manage token, its agents, its mediator). */
  public Future<Appointment> get(Caller caller, UUID id) {
    return someones(id).map(a -> {
      VisioRights.requireOpen(caller, a, tokens);
      return a;
    });
  }

  /**
   * The appointment before its rights are checked, for every route that opens one: a slot held for someone on the
   * waiting list is nobody's appointment yet, so no such appointment to anyone (a 401 or 403 would say it exists).
   */
  Future<Appointment> someones(UUID id) {
    return load(platform.pool(), id).map(a -> {
      if ("offered".equals(a.status())) {
        throw ApiException.notFound("No such appointment.");
      }
      return a;
    });
  }

  /**
   * An appointment shown to whoever asks ({@code action}: appointment.read, appointment.calendar): a signed-in reader's
   * read is a line of the audit trail; the citizen reading her own with her link is not.
   */
  public Future<Appointment> read(Caller caller, UUID id, String action) {
    return get(caller, id).compose(a -> shown(caller, action, a).map(a));
  }

  /**
   * Her convocation again, with the links of now, for the mediator who booked it while it is to come: moved, or its link
   * renewed (the new one goes nowhere when she has no contact), the paper he prints for her must say the time and the
   * link of now. Nobody else: the links open the appointment to whoever holds them. A link she renewed herself (it
   * went to her mail or phone: the old one may have leaked, from a shared computer or its paper) is not handed to him.
   * Each hand-out is a line of the trail of changes (never merged with an earlier one, as reads are).
   */
  public Future<Booked> convocation(Caller caller, UUID id) {
    Principal p = caller.principal();
    return someones(id).compose(a -> {
      if (p == null || !p.is(Role.MEDIATOR) || a.bookedBy() == null || !a.bookedBy().id().equals(p.userId().toString())) {
        return Future.failedFuture(ApiException.forbidden("Only the mediator who booked this appointment prints its convocation."));
      }
      if (!"booked".equals(a.status())) {
        return Future.failedFuture(ApiException.conflict("This appointment is {0}; it has no convocation to print.",
            status(a.status())));
      }
      if (a.manageTokenVersion() > 0 && !MailSchedule.channels(a).isEmpty()) {
        return Future.failedFuture(ApiException.conflict("Her link was renewed and sent to her: she has her convocation "
            + "on her own page."));
      }
      return audited(platform.pool(), caller, "appointment.convocation", id).map(v -> Booked.withLinks(a, tokens));
    });
  }

  /** An appointment already opened ({@link #get}) was shown: a line of the trail for a signed-in reader. */
  Future<Void> shown(Caller caller, String action, Appointment a) {
    return staffRead(caller.principal(), action, List.of(a));
  }

  /** One insert for every appointment a signed-in reader was shown by one request. */
  private Future<Void> staffRead(Principal reader, String action, List<Appointment> shown) {
    return reader == null ? Future.succeededFuture() : AccessAuditStore.reads(platform.pool(), reader, action,
        "appointment", shown.stream().map(a -> UUID.fromString(a.id())).toList(), now());
  }

  /** Without rights checks: for the snapshot of a viewer whose manage token was already verified. */
  Future<Appointment> appointment(UUID id) {
    return load(platform.pool(), id);
  }

  /** Without rights checks, in a transaction or not: for the parts that checked them already. */
  Future<Appointment> load(SqlClient db, UUID id) {
    return store.appointment(db, id, settings.joinOpensBefore())
        .map(found -> found.orElseThrow(() -> ApiException.notFound("No such appointment.")));
  }

  /** An agent's day (its whole administration), or a mediator's bookings. */
  public Future<List<Appointment>> list(Principal p, LocalDate date) {
    Duration opens = settings.joinOpensBefore();
    if (p.is(Role.AGENT)) {
      return calendars.zoneOf(platform.pool(), p.organisationId()).compose(zone -> {
        LocalDate day = date == null ? LocalDate.ofInstant(now(), zone) : date;
        return store.forOrganisation(platform.pool(), p.organisationId(), day.atStartOfDay(zone).toInstant(),
            day.plusDays(1).atStartOfDay(zone).toInstant(), opens);
      }).compose(day -> staffRead(p, "appointment.list", day).map(day));
    }
    if (p.is(Role.MEDIATOR)) {
      ZoneId zone = platform.config().defaultTimeZone();
      Instant from = date == null ? now().minus(Duration.ofDays(1)) : date.atStartOfDay(zone).toInstant();
      Instant to = date == null ? now().plus(Duration.ofDays(365)) : date.plusDays(1).atStartOfDay(zone).toInstant();
      return store.bookedBy(platform.pool(), p.userId(), from, to, opens)
          .compose(booked -> staffRead(p, "appointment.list", booked).map(booked));
    }
    return Future.failedFuture(ApiException.forbidden("Appointments are listed for agents and mediators."));
  }

  /**
   * One of the appointments a professional booked for someone with neither phone nor e-mail, as an admin is shown it
   * before closing his account: when, what, where and its reference (which its administration finds), none of her data.
   */
  @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  public record ContactlessBooking(String id, String reference, OffsetDateTime start, String timeZone, String serviceName,
                                   String administration, String pointName) {}

  /**
   * What a professional booked for people with neither phone nor e-mail, still to come (admins): they hear of a change
   * only through him, and nothing is sent to him once his account is closed.
   */
  public Future<List<ContactlessBooking>> contactlessBookedBy(Principal admin, UUID userId) {
    return Future.<Void>succeededFuture().compose(v -> {
      VisioRights.requireAdmin(admin);
      return store.contactlessBookedBy(platform.pool(), userId, now(), settings.joinOpensBefore());
    }).map(list -> list.stream().map(a -> new ContactlessBooking(a.id(), a.reference(), a.start(), a.timeZone(),
        a.serviceName(), a.administration(), a.pointName())).toList());
  }

  /**
   * A new manage link: every earlier one stops working at once, and the new one is sent to the
   * citizen, by mail when she gave an address, else by SMS (never answered here: whoever holds a
   * stolen link does not get the new one). The channel it went by ({@code mail}, {@code sms}),
   * empty when there is nowhere to send it (the agent then gives the reference by phone).
   */
  public Future<java.util.Optional<String>> renewManageLink(Caller caller, UUID id) {
    return get(caller, id).compose(a -> {
      java.util.Optional<String> channel = MailSchedule.channels(a).stream().findFirst();
      return renewed(caller, a, channel.orElse(null)).map(channel);
    });
  }

  /**
   * Renews the links of an appointment (its rights checked already) and sends the new one by
   * {@code channel} (null: nowhere). Its room is a new one, and every socket opened with an old
   * link is closed, on every node (the event of the renewal).
   */
  Future<Void> renewed(Caller caller, Appointment a, String channel) {
    UUID id = UUID.fromString(a.id());
    return platform.pool().withTransaction(tx -> store.renewManageLink(tx, id, rooms.newRoomName(AppointmentService.ROOM_PREFIX))
        .compose(state -> state.isEmpty() ? Future.succeededFuture()
            : events.linksChanged(tx, id, state.get().version(), tokens.validUntil(state.get().end())))
        .compose(v -> audited(tx, caller, "appointment.link_renewed", id))
        .compose(v -> channel == null ? Future.succeededFuture() : mails.scheduleMail(tx, id, "new_link", now(), channel)));
  }

  /** Where to write to the professional who booked it for her; empty when nobody did, or his account is closed. */
  Future<java.util.Optional<String>> bookerAddress(UUID id) {
    return store.bookerAddress(platform.pool(), id);
  }

  /** An appointment by its reference, without rights checks (the short link and the lost link check what they need). */
  Future<java.util.Optional<Appointment>> byReference(String reference) {
    return store.byReference(platform.pool(), reference, settings.joinOpensBefore());
  }

  /** Calls going on in the whole cluster, read from the database when /metrics is asked. */
  public Future<Void> refreshFigures() {
    return store.callsInProgress(platform.pool()).onSuccess(calls -> platform.metrics().callsInProgress("visio", calls)).mapEmpty();
  }

  /**
   * How a change of an appointment ends, inside its transaction: its line in the admins' audit
   * trail ({@code action} by {@code by}; null: a change the trail does not keep, such as the
   * citizen's waiting), the appointment as it is now, and its event of {@code kind}.
   */
  Future<Appointment> recorded(SqlClient tx, UUID id, Caller by, String action, String kind) {
    Future<Void> audit = action == null ? Future.succeededFuture() : audited(tx, by, action, id);
    return audit.compose(v -> load(tx, id)).compose(after -> events.publish(tx, kind, after).map(after));
  }

  /** A change of an appointment, in the admins' audit trail: by a professional, a point's screen, or the citizen (her address). */
  Future<Void> audited(SqlClient tx, Caller by, String action, Object id) {
    if (by.screen() != null) {
      return KioskStore.audit(tx, by.screen(), null, action, "appointment", id, by.address(), now());
    }
    return ChangeAuditStore.recordCaller(tx, by.principal(), by.address(), action, "appointment", id, now());
  }

  /** An appointment's status, named in the client's language. */
  static ProblemTexts.Term status(String code) {
    return new ProblemTexts.Term("appointment", code);
  }
}
