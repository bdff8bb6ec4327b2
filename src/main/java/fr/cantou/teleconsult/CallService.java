package fr.cantou.teleconsult;

import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;
import fr.cantou.platform.Platform;
import fr.cantou.platform.http.ApiException;
import fr.cantou.rooms.JitsiRooms;
import fr.cantou.rooms.JoinInfo;
import fr.cantou.rooms.Participant;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The call of a request taken by a doctor: its room handed out to the nurse and the doctor who
 * may join ({@link #join}), and what the page reports of Jitsi — joined, left — written on the
 * timeline ({@link #callEvent}), the first join of both sides putting the request in call.
 */
public final class CallService {
  /**
   * How long a participant's room token lives: 15 minutes, and the server checks the state at
   * every /join. Jitsi checks the token when someone enters the room, not during the call: a call
   * already under way goes on past it. Whoever enters again (audio only, "Réessayer" after a
   * dropped link) asks /join for a fresh one, which she gets only while the item is still hers;
   * so a doctor who gave the item back, or whose item was closed, cannot come back into its room
   * (nor the nurse into a closed one) after at most 15 minutes.
   */
  static final Duration ROOM_TOKEN_LIFETIME = Duration.ofMinutes(15);
  /**
   * A test's seam: what happens between a join's rights check and the handing out of its room
   * (nothing in production). A test runs a give-back and a new claim there, to show that the
   * room handed out is the one of the item checked.
   */
  private volatile Supplier<Future<Void>> afterJoinChecked = Future::succeededFuture;


  private final Platform platform;
  private final TeleconsultService service;
  private final TeleconsultStore store;
  private final TimelineStore timeline;
  private final HealthDataAccessStore accesses;
  private final PresenceService presence;
  private final JitsiRooms rooms;

  CallService(Platform platform, TeleconsultService service, TeleconsultStore store, TimelineStore timeline,
              HealthDataAccessStore accesses, PresenceService presence, JitsiRooms rooms) {
    this.platform = platform;
    this.service = service;
    this.store = store;
    this.timeline = timeline;
    this.accesses = accesses;
    this.presence = presence;
    this.rooms = rooms;
  }

  private Instant now() {
    return platform.clock().instant();
  }

  /** The room of the item whose rights were checked: both come from one read (see {@link TeleconsultStore#findWithRoom}). */
  public Future<JoinInfo> join(Principal p, UUID id) {
    Instant now = now();
    return store.findWithRoom(platform.pool(), id, now).compose(found -> {
      TeleconsultStore.WithRoom seen = found.orElseThrow(() -> ApiException.notFound("No teleconsultation with this id."));
      Teleconsultation item = seen.item();
      TeleconsultRights.requireParticipant(p, item);
      if (TeleconsultService.KIND_OPINION.equals(item.kind())) {
        return Future.failedFuture(ApiException.conflict(
            "This request asks for a written opinion: it has no call unless its doctor turns it into one."));
      }
      if (!Status.ASSIGNED.equals(item.status()) && !Status.IN_CALL.equals(item.status())) {
        return Future.failedFuture(Status.QUEUED.equals(item.status())
            ? ApiException.conflict("The room opens when a doctor takes the request.")
            : ApiException.conflict("This teleconsultation is {0}; its room is closed.", TeleconsultService.status(item)));
      }
      return afterJoinChecked.get().compose(v -> accesses.audit(platform.pool(), List.of(id), p, "join", now))
          .map(v -> rooms.join(seen.roomName(), new Participant(p.userId().toString(), p.displayName(), null,
              p.is(Role.DOCTOR)), now, now.plus(ROOM_TOKEN_LIFETIME)));
    });
  }

  /** Tests only: {@code step} runs between each join's rights check and its room's handing out. */
  void afterJoinChecked(Supplier<Future<Void>> step) {
    afterJoinChecked = step;
  }

  /** Joins and leaves of one side of an item written in a minute, at most (a call that drops and comes back a few times). */
  private static final int MOST_CALL_LINES_PER_MINUTE = 6;

  /** The page reports Jitsi's videoConferenceJoined / videoConferenceLeft. */
  public Future<Void> callEvent(Principal p, UUID id, boolean joined) {
    Instant now = now();
    return service.load(id).compose(item -> {
      TeleconsultRights.requireParticipant(p, item);
      boolean nurseSide = TeleconsultRights.isNurseSide(p, item);
      String side = nurseSide ? "nurse" : "doctor";
      return platform.pool().withTransaction(tx -> timeline.callLines(tx, id, side, item.assignedAt(), now.minus(Duration.ofMinutes(1)))
          .compose(lines -> {
        // Only changes are lines of the timeline: a join after a join (a page reloaded), a leave
        // with nobody in, a leave of a closed request, and more than a few a minute (a loop over
        // many sockets) write nothing, so call messages cannot fill a patient's record.
        boolean open = Status.ASSIGNED.equals(item.status()) || Status.IN_CALL.equals(item.status());
        boolean change = joined ? !"joined".equals(lines.last()) : open && "joined".equals(lines.last());
        if (lines.since() >= MOST_CALL_LINES_PER_MINUTE || !joined && !change) {
          return Future.<Void>succeededFuture();
        }
        Future<Optional<String>> marked = joined ? store.markJoined(tx, id, nurseSide, now)
            : Future.succeededFuture(Optional.of(item.status()));
        return marked.compose(status -> {
          if (status.isEmpty()) {
            return Future.failedFuture(ApiException.conflict("This teleconsultation has no open room."));
          }
          boolean started = Status.IN_CALL.equals(status.get()) && !Status.IN_CALL.equals(item.status());
          Future<Void> presenceFirst = started ? presence.callStarted(tx, UUID.fromString(item.doctorId()))
              : Future.succeededFuture();
          return !change && !started ? presenceFirst : presenceFirst.compose(v -> service.recorded(tx, id, p, joined ? "joined" : "left",
              new JsonObject().put("side", side), now, started ? TeleconsultEvents.IN_CALL : TeleconsultEvents.CALL)).mapEmpty();
        });
      }));
    });
  }
}
