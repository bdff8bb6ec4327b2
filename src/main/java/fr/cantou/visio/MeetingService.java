package fr.cantou.visio;

import fr.cantou.platform.Platform;
import fr.cantou.platform.http.ApiException;
import fr.cantou.rooms.JitsiRooms;
import fr.cantou.rooms.JoinInfo;
import fr.cantou.rooms.Participant;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static fr.cantou.visio.AppointmentService.status;

/**
 * The meeting itself: joining the room in its window, saying who is in it (the citizen waiting,
 * the agent joining starts the call), and its outcome, "Terminé" or "Absent" ({@link OutcomeUndo}
 * takes either back).
 */
public final class MeetingService {
  /**
   * How long after its end a call under way, or a citizen waiting in its room, still gets the way in; a token handed out
   * lasts this much longer again, so a call that overruns goes on.
   */
  static final Duration ROOM_OPEN_AFTER_END = Duration.ofMinutes(30);

  private final Platform platform;
  private final VisioConfig settings;
  private final AppointmentService appointments;
  private final AppointmentStore store;
  private final MailStore mails;
  private final SlotService slots;
  private final JitsiRooms rooms;

  MeetingService(Platform platform, VisioConfig settings, AppointmentService appointments, AppointmentStore store,
                 MailStore mails, SlotService slots, JitsiRooms rooms) {
    this.platform = platform;
    this.settings = settings;
    this.appointments = appointments;
    this.store = store;
    this.mails = mails;
    this.slots = slots;
    this.rooms = rooms;
  }

  /**
   * Who is in the room, by what opened the appointment to the caller. Only the holder of its manage token (no account)
   * is the citizen; a mediator is beside her and speaks for her side (his own name); an agent of its administration
   * holds the call. Any other professional who may open it (an agent of another administration who booked it for
   * someone at her desk) is a companion: in the room under her own name, never the citizen's side, so she can neither
   * make the agent believe the citizen tried or waits nor stop "Absent"; the agent, who sees her, judges.
   */
  enum Standing {
    AGENT, MEDIATOR, CITIZEN, COMPANION;

    static Standing of(Caller caller, Appointment a) {
      if (VisioRights.isAgentOf(caller.principal(), a)) {
        return AGENT;
      }
      if (caller.mediator()) {
        return MEDIATOR;
      }
      // Without a session, the appointment was opened by its manage token (Caller.of drops a session sent beside one).
      return caller.principal() == null ? CITIZEN : COMPANION;
    }

    /** Her side in the room ({@code citizen_in_room}), for the two that speak for her. */
    boolean speaksForHer() {
      return this == MEDIATOR || this == CITIZEN;
    }
  }

  /**
   * The room's way in. The citizen's side asking for it is recorded first ("a demandé à entrer dans la visio à 9 h 57"): on a
   * weak link her video may never come, and the agent must not take her for absent. A professional's asking is a line
   * of the trail of changes, whoever she is.
   */
  public Future<JoinInfo> join(Caller caller, UUID id) {
    Instant now = platform.clock().instant();
    return appointments.get(caller, id).compose(a -> {
      Standing who = Standing.of(caller, a);
      String action = caller.principal() == null ? null : "appointment.room_asked";
      Future<String> room = roomWindow(a, now).compose(v -> platform.pool().withTransaction(tx -> (who.speaksForHer()
          ? store.citizenTried(tx, id, now).compose(done -> appointments.recorded(tx, id, caller, action, VisioEvents.WAITING))
              .<Void>mapEmpty()
          : appointments.audited(tx, caller, action, id))
          .compose(done -> store.roomName(tx, id))));
      return room.map(name -> rooms.join(name, participant(caller, a, who), now,
          a.joinClosesAt().toInstant().plus(ROOM_OPEN_AFTER_END)));
    });
  }

  /** Who enters: the agent (moderator), the mediator or a companion beside her, each under his name, or the citizen under hers. */
  private static Participant participant(Caller caller, Appointment a, Standing who) {
    if (who == Standing.CITIZEN) {
      return new Participant("citizen-" + a.reference(), a.citizen().name(), null, false);
    }
    String name = caller.principal().displayName();
    return new Participant(caller.principal().userId().toString(), switch (who) {
      case MEDIATOR -> name + " (médiateur)";
      case COMPANION -> name + " (accompagne la personne)";
      default -> name;
    }, null, who == Standing.AGENT);
  }

  /**
   * The room opens {@code visio.joinOpensMinutesBefore} before the start and closes at {@link Appointment#joinClosesAt}
   * (the kiosk checks it too).
   */
  Future<Void> roomWindow(Appointment a, Instant now) {
    if (!a.open()) {
      return Future.failedFuture(ApiException.conflict("This appointment is {0}; its room is closed.", status(a.status())));
    }
    if (now.isBefore(a.joinOpensAt().toInstant())) {
      return Future.failedFuture(ApiException.conflict("The room opens on {0} ({1}), {2} minutes before the appointment.",
          a.joinOpensAt(), a.timeZone(), settings.joinOpensBefore().toMinutes()));
    }
    if (now.isAfter(a.joinClosesAt().toInstant())) {
      return Future.failedFuture(ApiException.conflict("This appointment is over; its room is closed."));
    }
    return Future.succeededFuture();
  }

  /**
   * The page says who is in the room: the citizen waiting or gone, her video failed ({@code failed}: the agent calls
   * her instead), the agent joining (the call starts). An agent's "failed" changes nothing: she has the phone; nor does
   * anything a companion says of the citizen (her standing: {@link Standing}): hers says only that she is in the room
   * beside her, or gone ({@code companionInRoom}: the agent's card names her). Each presence a professional says is a line of the
   * trail of changes; the citizen's own are not.
   */
  public Future<Appointment> presence(Caller caller, UUID id, String state) {
    Instant now = platform.clock().instant();
    return appointments.get(caller, id).compose(a -> roomWindow(a, now).compose(v -> platform.pool().withTransaction(tx -> {
      Standing who = Standing.of(caller, a);
      String action = caller.principal() == null ? null : presenceAction(who, state);
      return switch (who) {
        case AGENT -> ("joined".equals(state) ? store.transition(tx, id, List.of("booked", "in_call"), "in_call", now)
            : Future.succeededFuture(true))
            .compose(done -> appointments.recorded(tx, id, caller, action,
                "joined".equals(state) ? VisioEvents.IN_CALL : VisioEvents.CHANGED));
        case COMPANION -> companion(tx, id, caller, state).compose(done -> appointments.recorded(tx, id, caller, action,
            VisioEvents.WAITING));
        case MEDIATOR, CITIZEN -> herSide(tx, id, state, now, who == Standing.MEDIATOR
            ? AppointmentStore.Side.MEDIATOR : AppointmentStore.Side.CITIZEN)
            .compose(done -> appointments.recorded(tx, id, caller, action, VisioEvents.WAITING));
      };
    })));
  }

  /** A companion in the room ("waiting", "joined"), or out of it ("left", or her video "failed"). */
  private Future<Boolean> companion(SqlClient tx, UUID id, Caller caller, String state) {
    return store.companionInRoom(tx, id, caller.principal().userId(), "waiting".equals(state) || "joined".equals(state));
  }

  /** A side of hers in the room, gone from it, or its video failed. */
  private Future<Boolean> herSide(SqlClient tx, UUID id, String state, Instant now, AppointmentStore.Side side) {
    return "failed".equals(state) ? store.citizenVideoFailed(tx, id, now, side)
        : store.citizenWaiting(tx, id, "left".equals(state) ? null : now, side);
  }

  /** The trail's name of a presence: the agent's joining starts the call; anyone else's "joined" is being in the room. */
  private static String presenceAction(Standing who, String state) {
    if ("joined".equals(state)) {
      return who == Standing.AGENT ? "appointment.agent_joined" : "appointment.presence_waiting";
    }
    return "appointment.presence_" + state;
  }

  /** "Terminé" ({@code attended}) or "Absent", said by an agent of the appointment's administration. */
  public Future<Appointment> finish(Caller caller, UUID id, boolean attended) {
    Instant now = platform.clock().instant();
    return appointments.get(caller, id).compose(a -> {
      VisioRights.requireAgentOf(caller, a);
      if (!attended && now.isBefore(a.start().toInstant())) {
        return Future.failedFuture(ApiException.conflict("A citizen can be marked absent only after the start time."));
      }
      String to = attended ? "completed" : "no_show";
      return platform.pool().withTransaction(tx -> (attended ? store.transition(tx, id, List.of("booked", "in_call"), to, now)
          : store.markAbsent(tx, id, now, ROOM_OPEN_AFTER_END)).compose(done -> done
          ? mails.dropReminders(tx, id).compose(v -> appointments.recorded(tx, id, caller, "appointment." + to,
              attended ? VisioEvents.COMPLETED : VisioEvents.NO_SHOW))
          : refused(caller, id, to)))
          .onSuccess(slots::bookingsChanged)
          .onSuccess(after -> {
            if (!attended) {
              platform.metrics().noShow();
            }
          });
    });
  }

  /**
   * Why the outcome was not taken, read after the refused change: she is in the waiting room (her side arrived while the
   * agent decided; "Absent" only while nobody of hers is in), or the appointment is no longer open.
   */
  private Future<Appointment> refused(Caller caller, UUID id, String to) {
    return appointments.get(caller, id).compose(now -> Future.failedFuture("no_show".equals(to) && now.citizenWaiting()
        && ("booked".equals(now.status()) || "in_call".equals(now.status()))
        ? ApiException.conflict("The citizen is in the waiting room: she cannot be marked absent.")
        : ApiException.conflict("This appointment is {0}; it cannot become {1}.", status(now.status()), status(to))));
  }
}
