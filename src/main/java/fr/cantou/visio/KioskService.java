package fr.cantou.visio;

import fr.cantou.platform.Platform;
import fr.cantou.platform.RateLimits;
import fr.cantou.platform.http.ApiException;
import fr.cantou.rooms.JitsiRooms;
import fr.cantou.rooms.JoinInfo;
import fr.cantou.rooms.Participant;
import io.vertx.core.Future;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The screen of a point visio-accueil (the kiosk), once paired ({@link KioskPairing}): a revoked
 * screen's token opens nothing from its next request on.
 *
 * <p>A device token has the rights of its point and nothing else: the point's appointments of
 * the day (time, first-name initial, service), the check-in of one of them (the citizen's waiting
 * state, which the agent sees live), and, once she checked in and while the room is open, the
 * join information of that appointment.
 */
public final class KioskService {
  static final Duration GUESS_WINDOW = Duration.ofHours(1);
  /** References typed on one screen that matched nothing, an hour: a few people mistyping, not a walk through them. */
  static final int REFERENCES_PER_SCREEN = 20;

  public record PointView(String id, String name, String commune) {}

  /**
   * An appointment as the screen shows it: the time, the initial of the first name, the service;
   * nothing else of the citizen.
   */
  public record KioskAppointment(String id, OffsetDateTime start, OffsetDateTime end, String timeZone, String initial,
                                 String serviceName, String administration, String status, boolean checkedIn,
                                 OffsetDateTime joinOpensAt, OffsetDateTime joinClosesAt) {}

  /** The screen's day: its point, the appointments, and after how long without a touch it resets. */
  public record Day(PointView point, LocalDate date, int resetSeconds, List<KioskAppointment> appointments) {}

  private final Platform platform;
  private final VisioConfig settings;
  private final KioskStore store;
  private final AppointmentStore appointmentStore;
  private final AppointmentService appointments;
  private final MeetingService meeting;
  private final VisioEvents events;
  private final JitsiRooms rooms;
  private final RateLimits limits;

  KioskService(Platform platform, VisioConfig settings, KioskStore store, AppointmentStore appointmentStore,
               AppointmentService appointments, MeetingService meeting, VisioEvents events, JitsiRooms rooms,
               RateLimits limits) {
    this.platform = platform;
    this.settings = settings;
    this.store = store;
    this.appointmentStore = appointmentStore;
    this.appointments = appointments;
    this.meeting = meeting;
    this.events = events;
    this.rooms = rooms;
    this.limits = limits;
  }

  /** The screen a device token opens, or 401 (none, revoked); 403 once its point is withdrawn. */
  Future<KioskStore.Screen> screen(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(ApiException.unauthorized("This screen is not paired with a point (X-Kiosk-Token)."));
    }
    return store.screen(platform.pool(), KioskSecrets.hash(token), platform.clock().instant()).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(ApiException.unauthorized("This screen is no longer paired with a point."));
      }
      if (!found.get().pointActive()) {
        return Future.failedFuture(ApiException.forbidden("This point visio-accueil is withdrawn."));
      }
      return Future.succeededFuture(found.get());
    });
  }

  /** The point's appointments of today (in the point's time zone), still to be held. */
  public Future<Day> day(String token) {
    Instant now = platform.clock().instant();
    return screen(token).compose(s -> {
      LocalDate today = LocalDate.ofInstant(now, s.zone());
      return store.ofPoint(platform.pool(), s.pointId(), today.atStartOfDay(s.zone()).toInstant(),
              today.plusDays(1).atStartOfDay(s.zone()).toInstant(), settings.joinOpensBefore())
          .map(list -> new Day(view(s), today, (int) settings.kioskReset().toSeconds(),
              list.stream().map(KioskService::shown).toList()));
    });
  }

  /** What a screen's socket is shown first: the appointments it checked in, of today at its point. */
  Future<List<KioskAppointment>> watched(UUID kioskId) {
    return store.checkedInToday(platform.pool(), kioskId, platform.clock().instant())
        .compose(ids -> Future.all(ids.stream().map(id -> appointments.load(platform.pool(), id)).toList()))
        .map(all -> all.<Appointment>list().stream().map(KioskService::shown).toList());
  }

  /** The screen a socket's hello names by its device token: empty for none, a revoked one, or one of a withdrawn point. */
  Future<Optional<UUID>> socketOf(String token) {
    if (token == null || !token.startsWith(KioskSecrets.TOKEN_PREFIX)) {
      return Future.succeededFuture(Optional.empty());
    }
    return store.screen(platform.pool(), KioskSecrets.hash(token), platform.clock().instant())
        .map(found -> found.filter(KioskStore.Screen::pointActive).map(KioskStore.Screen::id));
  }

  public Future<KioskAppointment> appointment(String token, UUID id) {
    return screen(token).compose(s -> inSight(s, id)).map(KioskService::shown);
  }

  /**
   * The citizen says she is here: by the appointment she tapped, or by her reference typed (read
   * as on the convocation). Only an appointment of today at this point, not over.
   */
  public Future<KioskAppointment> checkIn(String token, UUID id, String reference, String address) {
    return screen(token).compose(s -> checkIn(s, id, reference, address));
  }

  /** The check-in on a screen already known: the reference typed, or read from her QR code ({@link KioskScans}). */
  Future<KioskAppointment> checkIn(KioskStore.Screen s, UUID id, String reference, String address) {
    Instant now = platform.clock().instant();
    Future<Appointment> found;
    if (id != null) {
      found = atPoint(s, id);
    } else {
      String ref = LostLinkService.reference(reference);
      LocalDate day = LocalDate.ofInstant(now, s.zone());
      // Typed references are counted per screen (taken first, so parallel guesses cannot pass), and whatever is not
      // an open appointment of today here gets the same answer: no day, no status of anyone else's is told.
      List<RateLimits.Limit> typed = List.of(new RateLimits.Limit("kiosk-reference:" + s.id(), REFERENCES_PER_SCREEN));
      found = limits.take(typed, GUESS_WINDOW, ApiException.tooManyRequests(
              "Too many references typed on this screen; please ask the mediator or the reception."))
          .compose(taken -> (ref.isEmpty() ? Future.succeededFuture(Optional.<Appointment>empty()) : appointments.byReference(ref))
              .compose(a -> a.filter(x -> s.pointId().toString().equals(x.pointId()) && x.open()
                      && now.isBefore(x.end().toInstant()) && day.equals(LocalDate.ofInstant(x.start().toInstant(), s.zone())))
                  .map(x -> limits.giveBack(taken).map(x))
                  .orElseGet(() -> Future.failedFuture(ApiException.notFound(
                      "No appointment at this point has this reference today; check it on your convocation.")))));
    }
    // Of today here (atPoint, or the reference's filter): what is left to refuse is one already over or cancelled.
    return found.compose(a -> {
      if (!a.open() || !now.isBefore(a.end().toInstant())) {
        return Future.failedFuture(ApiException.conflict("This appointment is {0}; it cannot be checked in.",
            AppointmentService.status(now.isBefore(a.end().toInstant()) ? a.status() : "completed")));
      }
      UUID appointmentId = UUID.fromString(a.id());
      return platform.pool().withTransaction(tx -> appointmentStore.citizenWaiting(tx, appointmentId, now, AppointmentStore.Side.SCREEN)
          .compose(v -> store.checkedIn(tx, appointmentId, s.id(), now))
          .compose(v -> appointments.audited(tx, Caller.ofScreen(s.id(), address), "appointment.checked_in", appointmentId))
          .compose(v -> appointments.load(tx, appointmentId))
          .compose(after -> events.publish(tx, VisioEvents.WAITING, after).map(after)));
    }).map(KioskService::shown);
  }

  /** The citizen leaves the screen (the call ended, or the screen reset): the agent no longer sees her waiting. */
  public Future<KioskAppointment> leave(String token, UUID id, String address) {
    // Only the screen that checked her in: another one (or a copied token) never clears her own page's waiting.
    return screen(token).compose(s -> inSight(s, id).compose(a -> platform.pool().withTransaction(tx ->
            store.checkedOut(tx, id, s.id()).compose(mine -> !mine ? Future.succeededFuture(a)
                : appointments.audited(tx, Caller.ofScreen(s.id(), address), "appointment.left", id)
                    .compose(v -> !a.citizenWaiting() ? Future.succeededFuture(a) : appointmentStore.citizenWaiting(tx, id, null, AppointmentStore.Side.SCREEN)
                        .compose(w -> appointments.load(tx, id))
                        .compose(after -> events.publish(tx, VisioEvents.WAITING, after).map(after)))))))
        .map(KioskService::shown);
  }

  /**
   * The screen says whether she is in the room through it: {@code failed}, its video could not open (the agent sees it and
   * calls the point), {@code waiting}, in again ("Réessayer" worked). Only the screen that checked her in, while the room
   * is open; a failure changes nothing while another side (her own link) holds her in the room. Only a change is told
   * (an event) and, for a failure, kept in the audit trail, as the screen's other doings.
   */
  public Future<KioskAppointment> presence(String token, UUID id, String state, String address) {
    Instant now = platform.clock().instant();
    return screen(token).compose(s -> atPoint(s, id).compose(a -> store.isCheckedInBy(platform.pool(), id, s.id())
        .compose(mine -> mine ? meeting.roomWindow(a, now) : Future.failedFuture(ApiException.conflict("Check in on the screen first.")))
        .compose(v -> platform.pool().withTransaction(tx -> ("failed".equals(state)
                ? appointmentStore.citizenVideoFailed(tx, id, now, AppointmentStore.Side.SCREEN)
                : appointmentStore.citizenWaiting(tx, id, now, AppointmentStore.Side.SCREEN))
            .compose(changed -> !changed ? appointments.load(tx, id)
                : ("failed".equals(state) ? appointments.audited(tx, Caller.ofScreen(s.id(), address), "appointment.video_failed", id)
                    : Future.<Void>succeededFuture())
                    .compose(v2 -> appointments.load(tx, id))
                    .compose(after -> events.publish(tx, VisioEvents.WAITING, after).map(after)))))))
        .map(KioskService::shown);
  }

  /** The way into the room for the screen: only for an appointment checked in at this point, while its room is open. */
  public Future<JoinInfo> join(String token, UUID id, String address) {
    Instant now = platform.clock().instant();
    return screen(token).compose(s -> atPoint(s, id).compose(a -> {
      Future<Boolean> mine = a.citizenWaiting() ? store.isCheckedInBy(platform.pool(), id, s.id()) : Future.succeededFuture(false);
      return mine.compose(checked -> checked ? meeting.roomWindow(a, now)
              : Future.failedFuture(ApiException.conflict("Check in on the screen first.")))
          .compose(v -> platform.pool().withTransaction(tx -> appointments.audited(tx, Caller.ofScreen(s.id(), address),
              "appointment.joined", id).compose(w -> appointmentStore.roomName(tx, id))))
          .map(room -> rooms.join(room, new Participant("kiosk-" + s.id(), initial(a) + " — " + s.pointName(), null, false),
              now, a.joinClosesAt().toInstant().plus(MeetingService.ROOM_OPEN_AFTER_END)));
    }));
  }

  /**
   * An appointment of today at this screen's point (403 for another point's; 404 for none, a held slot, another day's:
   * a screen sees its point's day, nothing more).
   */
  private Future<Appointment> atPoint(KioskStore.Screen s, UUID id) {
    LocalDate today = LocalDate.ofInstant(platform.clock().instant(), s.zone());
    return appointments.load(platform.pool(), id).compose(a -> {
      if ("offered".equals(a.status())) {
        return Future.failedFuture(ApiException.notFound("No such appointment."));
      }
      if (s.pointId().toString().equals(a.pointId()) && !today.equals(LocalDate.ofInstant(a.start().toInstant(), s.zone()))) {
        return Future.failedFuture(ApiException.notFound("No such appointment."));
      }
      if (!s.pointId().toString().equals(a.pointId())) {
        return Future.failedFuture(ApiException.forbidden("This appointment is not at this screen's point."));
      }
      return Future.succeededFuture(a);
    });
  }

  /**
   * As {@link #atPoint}, and also her appointment moved to another day while she waits at this screen (it checked her in
   * today): the screen reads it, and hears of it ({@link KioskStore#watching}), to tell her the new day, then lets her go.
   */
  private Future<Appointment> inSight(KioskStore.Screen s, UUID id) {
    return atPoint(s, id).recover(e -> !(e instanceof ApiException refused && refused.status() == 404) ? Future.failedFuture(e)
        : store.checkedInTodayBy(platform.pool(), id, s.id(), platform.clock().instant()).compose(mine -> mine
            ? appointments.load(platform.pool(), id) : Future.failedFuture(e)));
  }

  static KioskAppointment shown(Appointment a) {
    return new KioskAppointment(a.id(), a.start(), a.end(), a.timeZone(), initial(a), a.serviceName(), a.administration(),
        a.status(), a.citizenWaiting(), a.joinOpensAt(), a.joinClosesAt());
  }

  /** The first letter of the first name, "J." ("?" once the name is erased). */
  static String initial(Appointment a) {
    String name = a.citizen() == null || a.citizen().name() == null ? "" : a.citizen().name().strip();
    if (name.isEmpty()) {
      return "?";
    }
    int first = name.codePointAt(0);
    return new String(Character.toChars(Character.toUpperCase(first))) + ".";
  }

  static PointView view(KioskStore.Screen s) {
    return new PointView(s.pointId().toString(), s.pointName(), s.pointCommune());
  }
}
