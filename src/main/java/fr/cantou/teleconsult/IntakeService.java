package fr.cantou.teleconsult;

import fr.cantou.identity.Principal;
import fr.cantou.platform.Ids;
import fr.cantou.platform.Platform;
import fr.cantou.platform.db.DatabaseErrors.Refused;
import fr.cantou.platform.db.PipelinedTransaction;
import fr.cantou.platform.http.ApiException;
import fr.cantou.rooms.JitsiRooms;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A new request entering the queue: what the nurse typed checked (consent, no control
 * characters, no social security number, plausible years and vital signs, at most 14 days
 * ahead), a request sent again under its Idempotency-Key answered with its item, then one
 * transaction: the row, its vital signs, and {@link TeleconsultService#recorded}.
 */
public final class IntakeService {
  static final Duration LONGEST_PLANNING = Duration.ofDays(14);
  /** 13 digits or more in a row: a social security number has no place here. */
  private static final Pattern LOOKS_LIKE_NIR = Pattern.compile("\\d{13,}");

  private final Platform platform;
  private final TeleconsultService service;
  private final TeleconsultStore store;
  private final VitalSignsStore vitals;
  private final JitsiRooms rooms;

  IntakeService(Platform platform, TeleconsultService service, TeleconsultStore store, VitalSignsStore vitals,
                JitsiRooms rooms) {
    this.platform = platform;
    this.service = service;
    this.store = store;
    this.vitals = vitals;
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
    if (TeleconsultService.CONTROL.matcher(request.reason()).find()) {
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
        rooms.newRoomName("cantou-tc"), idempotencyKey, request.kind() == null ? TeleconsultService.KIND_VIDEO : request.kind());

    Future<Optional<UUID>> earlier = idempotencyKey == null ? Future.succeededFuture(Optional.empty())
        : store.byIdempotencyKey(platform.pool(), nurse.userId(), idempotencyKey);
    return earlier.compose(found -> found.isPresent() ? replayed(found.get(), row)
        : checkPreferred(preferred).compose(v -> PipelinedTransaction.run(platform.pool(), tx -> insert(tx, nurse, row, request.vitalSigns(), now))
            // The same key sent twice at once (a retry while the first was being written): the
            // second meets the first's row at the unique index and answers it as a retry.
            .recover(e -> Refused.is(e, TeleconsultStore.Refusal.KEY_USED)
                ? store.byIdempotencyKey(platform.pool(), nurse.userId(), idempotencyKey)
                    .compose(first -> first.isPresent() ? replayed(first.get(), row) : Future.failedFuture(e))
                : Future.failedFuture(TeleconsultService.translate(e)))));
  }

  /** The item a request sent again under its key made, or a refusal when the key made another request. */
  private Future<Teleconsultation> replayed(UUID id, TeleconsultStore.NewRequest asked) {
    return service.load(id).compose(item -> sameRequest(item, asked) ? Future.succeededFuture(item)
        : Future.failedFuture(new ApiException(422, "This Idempotency-Key was used for another request; "
            + "send a new key with a new request.")));
  }

  /**
   * Without vital signs, the item's timeline line, audit and read are sent behind its insert
   * without waiting for its answer (one round trip for all, BEGIN included); if the insert is
   * refused, its refusal is the answer. Vital signs are added once the item is there.
   */
  private Future<Teleconsultation> insert(SqlConnection tx, Principal nurse, TeleconsultStore.NewRequest row,
                                          VitalSigns.Measured signs, Instant now) {
    UUID id = UUID.randomUUID();
    Future<Void> inserted = store.insert(tx, id, row, now);
    if (signs != null) {
      return inserted.compose(v -> withVitalSigns(tx, id, signs, nurse, now)).compose(v -> recordCreated(tx, id, nurse, row, now));
    }
    Future<Teleconsultation> recorded = recordCreated(tx, id, nurse, row, now);
    return inserted.compose(v -> recorded);
  }

  private Future<Teleconsultation> recordCreated(SqlConnection tx, UUID id, Principal nurse, TeleconsultStore.NewRequest row,
                                                 Instant now) {
    return service.recorded(tx, id, nurse, "created", new JsonObject().put("urgency", row.urgency())
        .put("specialty", row.specialty()).put("consentBy", row.consentBy()).put("kind", row.kind()), now, TeleconsultEvents.QUEUED);
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
    return vitals.add(tx, id, signs, VitalSignRanges.measuredAt(signs, now), nurse.userId(), now, null).mapEmpty();
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
}
