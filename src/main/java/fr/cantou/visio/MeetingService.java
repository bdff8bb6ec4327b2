package fr.cantou.visio;

import fr.cantou.platform.Platform;
import fr.cantou.platform.http.ApiException;
import fr.cantou.rooms.JitsiRooms;
import fr.cantou.rooms.JoinInfo;
import fr.cantou.rooms.Participant;
import io.vertx.core.Future;

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
   * The room's way in. The citizen's side asking for it is recorded first ("a demandé à entrer dans la visio à 9 h 57"): on a
   * weak link her video may never come, and the agent must not take her for absent.
   */
  public Future<JoinInfo> join(Caller caller, UUID id) {
    Instant now = platform.clock().instant();
    return appointments.get(caller, id).compose(a -> {
      boolean agent = VisioRights.isAgentOf(caller.principal(), a);
      Future<String> room = roomWindow(a, now).compose(v -> agent ? store.roomName(platform.pool(), id)
          : platform.pool().withTransaction(tx -> store.citizenTried(tx, id, now)
              .compose(done -> appointments.recorded(tx, id, caller, null, VisioEvents.WAITING))
              .compose(after -> store.roomName(tx, id))));
      return room.map(name -> rooms.join(name, participant(caller, a, agent), now,
          a.joinClosesAt().toInstant().plus(ROOM_OPEN_AFTER_END)));
    });
  }

  /** Who enters: the agent (moderator), the mediator beside her, or the citizen under her name. */
  private static Participant participant(Caller caller, Appointment a, boolean agent) {
    if (agent) {
      return new Participant(caller.principal().userId().toString(), caller.principal().displayName(), null, true);
    }
    return caller.mediator()
        ? new Participant(caller.principal().userId().toString(), caller.principal().displayName() + " (médiateur)", null, false)
        : new Participant("citizen-" + a.reference(), a.citizen().name(), null, false);
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
   * her instead), the agent joining (the call starts). An agent's "failed" changes nothing: she has the phone.
   */
  public Future<Appointment> presence(Caller caller, UUID id, String state) {
    Instant now = platform.clock().instant();
    return appointments.get(caller, id).compose(a -> roomWindow(a, now).compose(v -> platform.pool().withTransaction(tx -> {
      boolean agent = VisioRights.isAgentOf(caller.principal(), a);
      Future<Boolean> change;
      String kind;
      if (agent) {
        change = "joined".equals(state) ? store.transition(tx, id, List.of("booked", "in_call"), "in_call", now)
            : Future.succeededFuture(true);
        kind = "joined".equals(state) ? VisioEvents.IN_CALL : VisioEvents.CHANGED;
      } else {
        AppointmentStore.Side side = caller.mediator() ? AppointmentStore.Side.MEDIATOR : AppointmentStore.Side.CITIZEN;
        change = "failed".equals(state) ? store.citizenVideoFailed(tx, id, now, side)
            : store.citizenWaiting(tx, id, "left".equals(state) ? null : now, side);
        kind = VisioEvents.WAITING;
      }
      boolean agentJoined = agent && "joined".equals(state);
      return change.compose(done -> appointments.recorded(tx, id, caller, agentJoined ? "appointment.agent_joined" : null, kind));
    })));
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
