package fr.cantou.visio;

import fr.cantou.identity.Principal;
import fr.cantou.platform.Futures;
import fr.cantou.platform.PhoneNumbers;
import fr.cantou.platform.Platform;
import fr.cantou.platform.db.PersonalDataAudit;
import fr.cantou.platform.http.ApiException;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The citizen's rights over her data (RGPD articles 15 and 17): her export and her erasure,
 * asked by herself with her manage link, or by an admin for a person found by e-mail or phone
 * (each appointment found audited with the admin's id and reason). Retention, the same erasure
 * some time after the end, is {@link CitizenDataRetention}.
 */
public final class CitizenDataService {
  private final Platform platform;
  private final CitizenDataStore store;
  private final AppointmentStore appointmentStore;
  private final AppointmentService appointments;
  private final SlotService slots;
  private final VisioEvents events;
  private final ManageTokens tokens;

  CitizenDataService(Platform platform, CitizenDataStore store, AppointmentStore appointmentStore,
                     AppointmentService appointments, SlotService slots, VisioEvents events, ManageTokens tokens) {
    this.platform = platform;
    this.store = store;
    this.appointmentStore = appointmentStore;
    this.appointments = appointments;
    this.slots = slots;
    this.events = events;
    this.tokens = tokens;
  }

  // Asked by the citizen.

  /** Everything Cantou holds about her appointment; the export itself is audited first. */
  public Future<VisioRecords.PersonalData> personalData(Caller caller, UUID id, String address) {
    Instant now = platform.clock().instant();
    return appointments.someones(id).compose(a -> {
      VisioRights.requireCitizen(caller, a, tokens);
      return platform.pool().withTransaction(tx -> PersonalDataAudit.citizenExport(tx, "appointment", id, address, now)
          .compose(v -> appointments.load(tx, id))
          .compose(after -> store.held(tx, id).map(held -> new VisioRecords.PersonalData(now.atOffset(ZoneOffset.UTC),
              after, held.erasedAt(), held.mails(), held.audit()))));
    });
  }

  /**
   * Erases the citizen's name, contacts, note and needs at once (the fields retention erases).
   * An appointment still to come (booked, not ended) is cancelled first (its agent is told, no mail is
   * sent: there is no address left); one in a call is refused until its end.
   */
  public Future<VisioRecords.Erasure> erase(Caller caller, UUID id, String address) {
    Instant now = platform.clock().instant();
    return appointments.someones(id).compose(a -> {
      VisioRights.requireCitizen(caller, a, tokens);
      return platform.pool().withTransaction(tx -> eraseOne(tx, a, now, null, "citizen", null, address))
          .onSuccess(e -> {
            if (e.cancelled()) {
              slots.bookingsChanged(a);
              platform.metrics().cancelled("visio");
            }
          });
    });
  }

  // Asked by an admin for a person.

  /** Every appointment of the citizen who gave this e-mail or phone, or the one of this reference, as her own export shows it. */
  public Future<List<VisioRecords.PersonalData>> personalDataOf(Principal admin, String email, String phone, String reference,
                                                                String reason, String address) {
    Instant now = platform.clock().instant();
    return find(email, phone, reference).compose(ids -> platform.pool().withTransaction(tx -> Futures.inOrder(ids,
        id -> PersonalDataAudit.record(tx, "appointment", id, admin.userId(), "admin", "export", reason, address, now)
            .compose(v -> appointments.load(tx, id))
            .compose(a -> store.held(tx, id).map(held -> new VisioRecords.PersonalData(now.atOffset(ZoneOffset.UTC), a,
                held.erasedAt(), held.mails(), held.audit()))))));
  }

  /** Erases every appointment of this e-mail or phone, or the one of this reference (those to come cancelled first). */
  public Future<List<VisioRecords.Erasure>> eraseOf(Principal admin, String email, String phone, String reference,
                                                    String reason, String address) {
    Instant now = platform.clock().instant();
    return find(email, phone, reference).compose(ids -> platform.pool().withTransaction(tx -> Futures.inOrder(ids,
            id -> appointments.load(tx, id).compose(a -> eraseOne(tx, a, now, admin.userId(), "admin", reason, address)
                .map(e -> e.cancelled() ? a : null))))
        .map(cancelled -> {
          cancelled.stream().filter(Objects::nonNull).forEach(a -> {
            slots.bookingsChanged(a);
            platform.metrics().cancelled("visio");
          });
          return cancelled.stream().map(a -> new VisioRecords.Erasure(true, a != null, now.atOffset(ZoneOffset.UTC)))
              .toList();
        }));
  }

  private Future<List<UUID>> find(String email, String phone, String reference) {
    return reference != null ? store.byReference(platform.pool(), reference) : byContact(email, phone);
  }

  private Future<List<UUID>> byContact(String email, String phone) {
    Optional<String> written = phone == null ? Optional.empty() : PhoneNumbers.written(phone);
    if (phone != null && written.isEmpty()) {
      return Future.failedFuture(ApiException.badRequest(
          "Invalid field 'phone': a phone number such as 06 39 98 12 34 or +33 6 39 98 12 34."));
    }
    return store.byContact(platform.pool(), email, written.orElse(null));
  }

  /** One erasure in its transaction: cancelled first when still booked, then erased, mails not sent dropped, audited. */
  private Future<VisioRecords.Erasure> eraseOne(SqlClient tx, Appointment a, Instant now, UUID userId, String actor,
                                                String reason, String address) {
    UUID id = UUID.fromString(a.id());
    boolean toCome = now.isBefore(a.end().toInstant());
    if ("in_call".equals(a.status()) && toCome) {
      return Future.failedFuture(ApiException.conflict("The call is going on; ask for the erasure once it is over."));
    }
    Future<Boolean> cancelled = "booked".equals(a.status()) && toCome
        ? appointmentStore.transition(tx, id, List.of("booked"), "cancelled", now).compose(done -> done
            ? Future.succeededFuture(true)
            : Future.failedFuture(ApiException.conflict("This appointment just changed; please try again.")))
        : Future.succeededFuture(false);
    return cancelled.compose(c -> store.eraseCitizenDataOf(tx, id, now)
        .compose(v -> PersonalDataAudit.record(tx, "appointment", id, userId, actor, "erasure", reason, address, now))
        .compose(v -> c ? appointments.recorded(tx, id, null, null, VisioEvents.CANCELLED) : Future.succeededFuture())
        .compose(v -> events.forgetCitizens(tx, java.util.List.of(id)))
        .map(v -> new VisioRecords.Erasure(true, c, now.atOffset(ZoneOffset.UTC))));
  }
}
