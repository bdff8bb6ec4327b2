package fr.cantou.teleconsult;

import fr.cantou.identity.ChangeAuditStore;
import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;
import fr.cantou.platform.Futures;
import fr.cantou.platform.Ids;
import fr.cantou.platform.Platform;
import fr.cantou.platform.db.DatabaseErrors.Refused;
import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.ProblemTexts;
import fr.cantou.rooms.JitsiRooms;
import fr.cantou.rooms.JoinInfo;
import fr.cantou.rooms.Participant;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The rules of the queue; every change is one transaction ending with its timeline entry and its
 * event ({@link #recorded}): create, read, claim, release, join, complete, cancel. The jobs that
 * move the queue are {@link QueueJobs}; a patient's data (retention, RGPD requests) is
 * {@link PatientDataService}'s. Over 300 lines because the rest is one story whose steps share
 * their rights checks, their reads and {@link #recorded}.
 */
public final class TeleconsultService {
  /** NUL and the control characters other than line breaks and tabs: nothing a person types (free texts refuse them). */
  static final java.util.regex.Pattern CONTROL = java.util.regex.Pattern.compile("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x9F]");
  /**
   * How long a participant's room token lives; the server checks the state at every /join.
   * The page opens the room again with the same token when the user switches to audio only or
   * the link drops, and Jitsi checks the token at each connection: it must last a call. What
   * ends a doctor's way in when she gives the item back is the new room of the next assignment.
   */
  static final Duration ROOM_TOKEN_LIFETIME = Duration.ofHours(2);
  static final Duration LONGEST_PLANNING = Duration.ofDays(14);
  /** The two kinds of request: a teleconsultation (a video call) and a téléexpertise (a written opinion). */
  static final String KIND_VIDEO = "video";
  static final String KIND_OPINION = "opinion";
  /** 13 digits or more in a row: a social security number has no place here. */
  private static final Pattern LOOKS_LIKE_NIR = Pattern.compile("\\d{13,}");

  private final Platform platform;
  private final TeleconsultStore store;
  private final TimelineStore timeline;
  private final HealthDataAccessStore accesses;
  private final VitalSignsStore vitals;
  private final TeleconsultEvents events;
  private final PresenceService presence;
  private final JitsiRooms rooms;
  private final TeleconsultConfig settings;
  /**
   * A test's seam: what happens between a join's rights check and the handing out of its room
   * (nothing in production). A test runs a give-back and a new claim there, to show that the
   * room handed out is the one of the item checked.
   */
  private volatile Supplier<Future<Void>> afterJoinChecked = Future::succeededFuture;

  TeleconsultService(Platform platform, TeleconsultConfig settings, TeleconsultStore store, TimelineStore timeline,
                     HealthDataAccessStore accesses, VitalSignsStore vitals, TeleconsultEvents events,
                     PresenceService presence, JitsiRooms rooms) {
    this.platform = platform;
    this.settings = settings;
    this.store = store;
    this.timeline = timeline;
    this.accesses = accesses;
    this.vitals = vitals;
    this.events = events;
    this.presence = presence;
    this.rooms = rooms;
  }

  private Instant now() {
    return platform.clock().instant();
  }

  public Future<Teleconsultation> create(Principal nurse, NewTeleconsultation request, String idempotencyKey) {
    TeleconsultRights.requireNurse(nurse);
    if (request.consent() == null || !Boolean.TRUE.equals(request.consent().given())) {
      return Future.failedFuture(ApiException.badRequest("Invalid field 'consent.given': the patient's consent (or a legal representative's) "
          + "is required before a teleconsultation."));
    }
    if (CONTROL.matcher(request.reason()).find()) {
      return Future.failedFuture(ApiException.badRequest("Invalid field 'reason': words, without control characters."));
    }
    if (LOOKS_LIKE_NIR.matcher(request.patient().reference()).find()) {
      return Future.failedFuture(ApiException.badRequest("Invalid field 'patient.reference': use the care home's pseudonymous reference, "
          + "never a social security number."));
    }
    Instant now = now();
    // A resident is born in a year that has come: 2031 is a typing slip (the schema only bounds it by 1900 and 2100).
    int thisYear = now.atZone(java.time.ZoneOffset.UTC).getYear();
    Integer birthYear = request.patient().birthYear();
    if (birthYear != null && (birthYear < 1900 || birthYear > thisYear)) {
      return Future.failedFuture(ApiException.badRequest("Invalid field 'patient.birthYear': a year between 1900 and {0}.",
          String.valueOf(thisYear)));
    }
    Instant queuedAt = request.plannedAt() == null || !request.plannedAt().toInstant().isAfter(now) ? now
        : request.plannedAt().toInstant();
    if (queuedAt.isAfter(now.plus(LONGEST_PLANNING))) {
      return Future.failedFuture(ApiException.badRequest("Invalid field 'plannedAt': at most 14 days ahead."));
    }
    Optional<ApiException> implausible = request.vitalSigns() == null ? Optional.empty()
        : VitalSignRanges.refusal(request.vitalSigns(), now);
    if (implausible.isPresent()) {
      return Future.failedFuture(implausible.get());
    }
    String specialty = "any".equals(request.specialty()) ? Status.GENERAL_PRACTICE : request.specialty();
    UUID preferred = request.preferredDoctorId() == null ? null : Ids.field(request.preferredDoctorId(), "preferredDoctorId");
    String initials = initials(request.patient().initials());
    if (initials != null && !initials.matches("[A-Z]{1,4}")) {
      return Future.failedFuture(ApiException.badRequest("Invalid field 'patient.initials': one to four letters, such as M.R."));
    }
    TeleconsultStore.NewRequest row = new TeleconsultStore.NewRequest(nurse.organisationId(), nurse.userId(),
        request.patient().reference().trim(),
        initials,
        request.patient().birthYear(), request.reason().trim(), specialty, request.urgency(),
        request.consent().by() == null ? "patient" : request.consent().by(), preferred, queuedAt, !queuedAt.isAfter(now),
        rooms.newRoomName("cantou-tc"), idempotencyKey, request.kind() == null ? KIND_VIDEO : request.kind());

    Future<Optional<UUID>> earlier = idempotencyKey == null ? Future.succeededFuture(Optional.empty())
        : store.byIdempotencyKey(platform.pool(), nurse.userId(), idempotencyKey);
    return earlier.compose(found -> found.isPresent() ? load(found.get()).compose(item -> sameRequest(item, row)
            ? Future.succeededFuture(item)
            : Future.failedFuture(new ApiException(422, "This Idempotency-Key was used for another request; "
                + "send a new key with a new request.")))
        : checkPreferred(preferred).compose(v -> platform.pool().withTransaction(tx -> store.insert(tx, row, now)
                .compose(id -> withVitalSigns(tx, id, request.vitalSigns(), nurse, now).map(id))
                .compose(id -> recorded(tx, id, nurse, "created", new JsonObject().put("urgency", row.urgency())
                    .put("specialty", specialty).put("consentBy", row.consentBy()).put("kind", row.kind()), now,
                    TeleconsultEvents.QUEUED)))
            .recover(e -> Future.failedFuture(translate(e)))));
  }

  /**
   * Whether a request sent again with its Idempotency-Key is the one that made this item: a retry
   * gets the item; another request under the same key (another patient, urgent) is refused, not
   * silently answered with the first one and never queued.
   */
  private static boolean sameRequest(Teleconsultation item, TeleconsultStore.NewRequest asked) {
    Teleconsultation.Patient patient = item.patient();
    return item.erasedAt() == null && patient != null
        && asked.patientReference().equals(patient.reference())
        && java.util.Objects.equals(asked.patientInitials(), patient.initials())
        && java.util.Objects.equals(asked.patientBirthYear(), patient.birthYear())
        && asked.reason().equals(item.reason()) && asked.specialty().equals(item.specialty())
        && asked.urgency().equals(item.urgency());
  }

  /** The set sent with a new request, if any (the item was just inserted: open and empty). */
  private Future<Void> withVitalSigns(SqlClient tx, UUID id, VitalSigns.Measured signs, Principal nurse, Instant now) {
    if (signs == null) {
      return Future.succeededFuture();
    }
    return vitals.add(tx, id, signs, VitalSignRanges.measuredAt(signs, now), nurse.userId(), now).mapEmpty();
  }

  /**
   * Initials as nurses write them ("M.R.", "m r", "É.L."): what is left once dots, spaces and
   * accents are gone, in capitals (null when none were typed); {@link #create} takes one to four letters.
   */
  static String initials(String typed) {
    if (typed == null || typed.isBlank()) {
      return null;
    }
    return java.text.Normalizer.normalize(typed, java.text.Normalizer.Form.NFD).replaceAll("\\p{M}", "")
        .replaceAll("[\\s.'’-]", "").toUpperCase(Locale.ROOT);
  }

  private Future<Void> checkPreferred(UUID doctor) {
    if (doctor == null) {
      return Future.succeededFuture();
    }
    return store.isActiveDoctor(platform.pool(), doctor).compose(found -> found ? Future.succeededFuture()
        : Future.failedFuture(ApiException.badRequest("Invalid field 'preferredDoctorId': no such doctor.")));
  }

  public Future<List<Teleconsultation>> list(Principal p, String status) {
    TeleconsultRights.requireCareSide(p);
    Instant now = now();
    Future<List<Teleconsultation>> items = p.is(Role.NURSE)
        ? store.forOrganisation(platform.pool(), p.organisationId(), status, now)
        : store.forDoctor(platform.pool(), p.userId(), List.copyOf(p.specialties()), status, now);
    return items.compose(found -> accesses.audit(platform.pool(),
        found.stream().map(t -> UUID.fromString(t.id())).toList(), p, "list", now).map(found));
  }

  public Future<Teleconsultation> get(Principal p, UUID id) {
    TeleconsultRights.requireCareSide(p);
    return load(id).compose(item -> {
      TeleconsultRights.requireSee(p, item);
      return accesses.audit(platform.pool(), List.of(id), p, "read", now()).map(item);
    });
  }

  public Future<List<TimelineStore.TimelineEntry>> timeline(Principal p, UUID id) {
    return get(p, id).compose(item -> accesses.audit(platform.pool(), List.of(id), p, "timeline", now()))
        .compose(v -> timeline.of(platform.pool(), id));
  }

  public Future<Teleconsultation> claim(Principal doctor, UUID id) {
    TeleconsultRights.requireDoctor(doctor);
    Instant now = now();
    return platform.pool().withTransaction(tx -> store.claim(tx, id, doctor.userId(), List.copyOf(doctor.specialties()), now,
        rooms.newRoomName("cantou-tc"))
            .compose(claimed -> claimed ? assigned(tx, id, doctor, now) : Future.succeededFuture(Optional.<Teleconsultation>empty())))
        .onSuccess(won -> won.ifPresent(this::measureWait))
        .recover(e -> Future.failedFuture(translate(e)))
        .compose(won -> won.map(item -> answered(doctor, item)).orElseGet(() -> load(id).compose(item -> {
          if (!TeleconsultRights.inPool(doctor, item)) {
            return Future.failedFuture(ApiException.forbidden("This teleconsultation is not for your specialties."));
          }
          return Future.failedFuture(item.doctorName() == null
              ? ApiException.conflict("This teleconsultation is no longer waiting.")
              : ApiException.conflict("This teleconsultation is no longer waiting (taken by {0}).", item.doctorName()));
        })));
  }

  /** 200 with the claimed item, or empty when nothing waits for this doctor. */
  public Future<Optional<Teleconsultation>> next(Principal doctor) {
    TeleconsultRights.requireDoctor(doctor);
    Instant now = now();
    return platform.pool().withTransaction(tx -> store.claimNext(tx, doctor.userId(), List.copyOf(doctor.specialties()), now,
        rooms.newRoomName("cantou-tc"))
            .compose(found -> found.isEmpty() ? Future.succeededFuture(Optional.<Teleconsultation>empty())
                : assigned(tx, found.get(), doctor, now)))
        .onSuccess(taken -> taken.ifPresent(this::measureWait))
        .recover(e -> Future.failedFuture(translate(e)))
        .compose(taken -> taken.isEmpty() ? Future.succeededFuture(taken)
            : answered(doctor, taken.get()).map(Optional::of));
  }

  /** A claim or a give-back answered with the item shows its health data to the doctor: a read, in health_data_access. */
  private Future<Teleconsultation> answered(Principal p, Teleconsultation item) {
    return accesses.audit(platform.pool(), List.of(UUID.fromString(item.id())), p, "read", now()).map(item);
  }

  private Future<Optional<Teleconsultation>> assigned(SqlClient tx, UUID id, Principal doctor, Instant now) {
    return recorded(tx, id, doctor, "assigned", new JsonObject().put("doctor", doctor.displayName()), now,
        TeleconsultEvents.ASSIGNED).map(Optional::of);
  }

  /** Counted once the claim has committed: a rolled-back claim took nothing. */
  private void measureWait(Teleconsultation taken) {
    if (taken.queuedAt() != null && taken.assignedAt() != null) {
      platform.metrics().waitedBeforeClaim(Duration.between(taken.queuedAt(), taken.assignedAt()));
    }
  }

  /** The queue and calls figures of the whole cluster, read from the database when /metrics is asked. */
  public Future<Void> refreshFigures() {
    return store.queueLengths(platform.pool()).onSuccess(platform.metrics()::queueLengths)
        .compose(v -> store.callsInProgress(platform.pool()))
        .onSuccess(calls -> platform.metrics().callsInProgress("teleconsultation", calls))
        .mapEmpty();
  }

  public Future<Teleconsultation> release(Principal doctor, UUID id) {
    TeleconsultRights.requireDoctor(doctor);
    Instant now = now();
    return load(id).compose(item -> {
      TeleconsultRights.requireAssignedDoctor(doctor, item);
      return platform.pool().withTransaction(tx -> store.requeue(tx, id, doctor.userId()).compose(done -> {
        if (!done) {
          return Future.failedFuture(ApiException.conflict("Only a teleconsultation not yet in call can be given back."));
        }
        return recorded(tx, id, doctor, "released", new JsonObject(), now, TeleconsultEvents.REQUEUED);
      })).compose(released -> answered(doctor, released));
    });
  }

  /** The room of the item whose rights were checked: both come from one read (see {@link TeleconsultStore#findWithRoom}). */
  public Future<JoinInfo> join(Principal p, UUID id) {
    Instant now = now();
    return store.findWithRoom(platform.pool(), id, now).compose(found -> {
      TeleconsultStore.WithRoom seen = found.orElseThrow(() -> ApiException.notFound("No teleconsultation with this id."));
      Teleconsultation item = seen.item();
      TeleconsultRights.requireParticipant(p, item);
      if (KIND_OPINION.equals(item.kind())) {
        return Future.failedFuture(ApiException.conflict(
            "This request asks for a written opinion: it has no call unless its doctor turns it into one."));
      }
      if (!Status.ASSIGNED.equals(item.status()) && !Status.IN_CALL.equals(item.status())) {
        return Future.failedFuture(Status.QUEUED.equals(item.status())
            ? ApiException.conflict("The room opens when a doctor takes the request.")
            : ApiException.conflict("This teleconsultation is {0}; its room is closed.", status(item)));
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
    return load(id).compose(item -> {
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
          return !change && !started ? presenceFirst : presenceFirst.compose(v -> recorded(tx, id, p, joined ? "joined" : "left",
              new JsonObject().put("side", side), now, started ? TeleconsultEvents.IN_CALL : TeleconsultEvents.CALL)).mapEmpty();
        });
      }));
    });
  }

  public Future<Teleconsultation> complete(Principal doctor, UUID id, String report, String outcome) {
    TeleconsultRights.requireDoctor(doctor);
    if (CONTROL.matcher(report).find()) {
      // A NUL reached the database as a 500 (outside review).
      return Future.failedFuture(ApiException.badRequest("Invalid field 'report': words, without control characters."));
    }
    Instant now = now();
    return load(id).compose(item -> {
      TeleconsultRights.requireAssignedDoctor(doctor, item);
      return platform.pool().withTransaction(tx -> store.complete(tx, id, doctor.userId(), report.trim(), outcome, now)
          .compose(done -> {
            if (!done) {
              return Future.failedFuture(ApiException.conflict(
                  "This teleconsultation is {0}; only an assigned one or one in call can be completed.", status(item)));
            }
            return presence.callEnded(tx, doctor.userId()).compose(v -> recorded(tx, id, doctor, "completed",
                new JsonObject().put("outcome", outcome), now, TeleconsultEvents.COMPLETED));
          }));
    });
  }

  public Future<Teleconsultation> cancel(Principal nurse, UUID id) {
    TeleconsultRights.requireNurse(nurse);
    Instant now = now();
    return load(id).compose(item -> {
      if (!TeleconsultRights.isNurseSide(nurse, item)) {
        return Future.failedFuture(ApiException.forbidden("Only a nurse of the requesting organisation may cancel it."));
      }
      return platform.pool().withTransaction(tx -> store.cancel(tx, id, now).compose(done -> {
        if (!done) {
          return Future.failedFuture(ApiException.conflict("Only a waiting request can be cancelled; this one is {0}.",
              status(item)));
        }
        return recorded(tx, id, nurse, "cancelled", new JsonObject(), now, TeleconsultEvents.CANCELLED);
      })).onSuccess(gone -> platform.metrics().cancelled("teleconsultation"));
    });
  }

  /**
   * How every change ends, inside its transaction: its timeline entry and who made it, from where
   * ({@code by} null: the node's jobs), the item as it is now, and its event of that kind.
   */
  Future<Teleconsultation> recorded(SqlClient tx, UUID id, Principal by, String action, JsonObject details,
                                            Instant now, String kind) {
    return timeline.add(tx, id, by == null ? null : by.userId(), action, details, now)
        .compose(v -> ChangeAuditStore.record(tx, by, "teleconsultation." + action, "teleconsultation", id, now))
        .compose(v -> find(tx, id))
        .compose(item -> events.publish(tx, kind, item).map(item));
  }

  /**
   * The item, for whoever may see it (the rule of {@link #get}: a nurse or a doctor the item's
   * audience admits), not audited: the caller audits what it reads of it (a file, the report).
   */
  Future<Teleconsultation> loadVisible(Principal p, UUID id) {
    if (!p.is(Role.NURSE) && !p.is(Role.DOCTOR)) {
      return Future.failedFuture(ApiException.forbidden("Teleconsultations are for the nurses and doctors who take part in them."));
    }
    return load(id).compose(item -> TeleconsultRights.maySee(p, item) ? Future.succeededFuture(item)
        : Future.failedFuture(ApiException.forbidden("This teleconsultation is not yours to see.")));
  }

  Future<Teleconsultation> load(UUID id) {
    return find(platform.pool(), id);
  }

  private Future<Teleconsultation> find(SqlClient db, UUID id) {
    return store.find(db, id, now()).map(found -> found.orElseThrow(() -> ApiException.notFound("No teleconsultation with this id.")));
  }

  /** A teleconsultation's status, named in the client's language. */
  static ProblemTexts.Term status(Teleconsultation item) {
    return new ProblemTexts.Term("teleconsultation", item.status());
  }

  private static Throwable translate(Throwable e) {
    if (Refused.is(e, TeleconsultStore.Refusal.DOCTOR_ALREADY_BUSY)) {
      return ApiException.conflict("You already have an open teleconsultation: complete it or give it back first.");
    }
    if (Refused.is(e, TeleconsultStore.Refusal.UNKNOWN_SPECIALTY)) {
      return ApiException.badRequest("Invalid field 'specialty': unknown specialty.");
    }
    return e;
  }
}
