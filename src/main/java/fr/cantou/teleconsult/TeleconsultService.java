package fr.cantou.teleconsult;

import fr.cantou.identity.ChangeAuditStore;
import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;
import fr.cantou.platform.Platform;
import fr.cantou.platform.db.DatabaseErrors.Refused;
import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.ProblemTexts;
import fr.cantou.rooms.JitsiRooms;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The rules of the queue; every change is one transaction ending with its timeline entry and its
 * event ({@link #recorded}): read, claim, release, complete, cancel. A new request enters by
 * {@link IntakeService}, its call is {@link CallService}'s; the jobs that move the queue are
 * {@link QueueJobs}; a patient's data (retention, RGPD requests) is {@link PatientDataService}'s.
 */
public final class TeleconsultService {
  /** NUL and the control characters other than line breaks and tabs: nothing a person types (free texts refuse them). */
  static final java.util.regex.Pattern CONTROL = java.util.regex.Pattern.compile("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x9F]");
  /** The two kinds of request: a teleconsultation (a video call) and a téléexpertise (a written opinion). */
  static final String KIND_VIDEO = "video";
  static final String KIND_OPINION = "opinion";
  private final Platform platform;
  private final TeleconsultStore store;
  private final TimelineStore timeline;
  private final HealthDataAccessStore accesses;
  private final TeleconsultEvents events;
  private final PresenceService presence;
  private final JitsiRooms rooms;
  private final TeleconsultConfig settings;
  TeleconsultService(Platform platform, TeleconsultConfig settings, TeleconsultStore store, TimelineStore timeline,
                     HealthDataAccessStore accesses, TeleconsultEvents events,
                     PresenceService presence, JitsiRooms rooms) {
    this.platform = platform;
    this.settings = settings;
    this.store = store;
    this.timeline = timeline;
    this.accesses = accesses;
    this.events = events;
    this.presence = presence;
    this.rooms = rooms;
  }

  private Instant now() {
    return platform.clock().instant();
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

  /**
   * Completes her teleconsultation with its report. Completed already with this very report and conclusion (hers sent
   * again, its answer lost on her Wi-Fi) it answers as it is, nothing written again; another report stays refused.
   */
  public Future<Teleconsultation> complete(Principal doctor, UUID id, String report, String outcome) {
    TeleconsultRights.requireDoctor(doctor);
    if (CONTROL.matcher(report).find()) {
      // A NUL reached the database as a 500 (outside review).
      return Future.failedFuture(ApiException.badRequest("Invalid field 'report': words, without control characters."));
    }
    Instant now = now();
    return load(id).compose(item -> {
      TeleconsultRights.requireAssignedDoctor(doctor, item);
      if (completedWith(item, report, outcome)) {
        return Future.succeededFuture(item);
      }
      // Null: no longer hers to complete when written; her own send before it may have just done it.
      return platform.pool().withTransaction(tx -> store.complete(tx, id, doctor.userId(), report.trim(), outcome, now)
              .compose(done -> done ? presence.callEnded(tx, doctor.userId()).compose(v -> recorded(tx, id, doctor, "completed",
                  new JsonObject().put("outcome", outcome), now, TeleconsultEvents.COMPLETED))
                  : Future.<Teleconsultation>succeededFuture()))
          .compose(completed -> completed != null ? Future.succeededFuture(completed)
              : load(id).compose(after -> completedWith(after, report, outcome) ? Future.succeededFuture(after)
                  : Future.failedFuture(ApiException.conflict(
                      "This teleconsultation is {0}; only an assigned one or one in call can be completed.", status(after)))));
    });
  }

  /** Completed with this report and conclusion (by its doctor: the caller checked she is the one assigned). */
  private static boolean completedWith(Teleconsultation item, String report, String outcome) {
    return "completed".equals(item.status()) && report.trim().equals(item.report())
        && java.util.Objects.equals(outcome, item.outcome());
  }

  /**
   * Cancels a waiting request. One cancelled already (her cancel sent again, its answer lost) answers as it is, nothing
   * written again; a refusal names the status the request has when the cancel failed (a doctor took it meanwhile), not
   * the one read before.
   */
  public Future<Teleconsultation> cancel(Principal nurse, UUID id) {
    TeleconsultRights.requireNurse(nurse);
    Instant now = now();
    return load(id).compose(item -> {
      if (!TeleconsultRights.isNurseSide(nurse, item)) {
        return Future.failedFuture(ApiException.forbidden("Only a nurse of the requesting organisation may cancel it."));
      }
      if (CANCELLED.equals(item.status())) {
        return Future.succeededFuture(item);
      }
      // Null: no longer waiting when written (nothing was), said from its status then.
      return platform.pool().withTransaction(tx -> store.cancel(tx, id, now).compose(done -> done
              ? recorded(tx, id, nurse, "cancelled", new JsonObject(), now, TeleconsultEvents.CANCELLED)
              : Future.<Teleconsultation>succeededFuture()))
          .compose(gone -> gone != null
              ? Future.succeededFuture(gone).onSuccess(v -> platform.metrics().cancelled("teleconsultation"))
              : load(id).compose(after -> CANCELLED.equals(after.status()) ? Future.succeededFuture(after)
                  : Future.failedFuture(ApiException.conflict("Only a waiting request can be cancelled; this one is {0}.",
                      status(after)))));
    });
  }

  private static final String CANCELLED = "cancelled";

  /**
   * How every change ends, inside its transaction: its timeline entry and who made it, from where
   * ({@code by} null: the node's jobs), the item as it is now, and its event of that kind.
   */
  Future<Teleconsultation> recorded(SqlClient tx, UUID id, Principal by, String action, JsonObject details,
                                            Instant now, String kind) {
    // Sent together on the transaction's connection (pipelined, run in this order): the read
    // needs neither line, and a failure of one aborts the transaction the others are in.
    Future<Void> line = timeline.add(tx, id, by == null ? null : by.userId(), action, details, now);
    Future<Void> audit = ChangeAuditStore.record(tx, by, "teleconsultation." + action, "teleconsultation", id, now);
    Future<Teleconsultation> item = find(tx, id);
    return Future.all(line, audit, item).compose(v -> events.publish(tx, kind, item.result()).map(item.result()));
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

  /** The store's refusals of a claim or an insert, as the client reads them. */
  static Throwable translate(Throwable e) {
    if (Refused.is(e, TeleconsultStore.Refusal.DOCTOR_ALREADY_BUSY)) {
      return ApiException.conflict("You already have an open teleconsultation: complete it or give it back first.");
    }
    if (Refused.is(e, TeleconsultStore.Refusal.UNKNOWN_SPECIALTY)) {
      return ApiException.badRequest("Invalid field 'specialty': unknown specialty.");
    }
    return e;
  }
}
