package fr.cantou.visio;

import fr.cantou.identity.Principal;
import fr.cantou.platform.Futures;
import fr.cantou.platform.PhoneNumbers;
import fr.cantou.platform.Platform;
import fr.cantou.platform.db.PersonalDataAudit;
import fr.cantou.platform.http.ApiException;
import io.vertx.core.Future;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A person's places on waiting lists (her name and contacts) under an admin's RGPD request
 * (articles 15 and 17), found by the e-mail or phone she gave as her appointments are: exported
 * as held, or erased as when she leaves the list (a slot held for her let go to the next in line).
 * Each place is a line of {@code personal_data_audit} (V72), as each appointment is: the place,
 * the admin, her reason and address.
 */
public final class WaitingPersonalData {
  private final Platform platform;
  private final WaitingListStore store;
  private final WaitingListService waitingList;

  WaitingPersonalData(Platform platform, WaitingListStore store, WaitingListService waitingList) {
    this.platform = platform;
    this.store = store;
    this.waitingList = waitingList;
  }

  /**
   * Everything held about her place, for her with its link (RGPD article 15): her name and
   * contacts while she waits, the service, the state, the offers made and their times, the
   * exports and erasures. Her download is a line of the trail, once per place and address in ten
   * minutes (as an appointment's: {@link PersonalDataAudit#citizenExport}).
   */
  public Future<VisioRecords.WaitingPlaceData> ownExport(Caller caller, UUID id, String address) {
    Instant now = platform.clock().instant();
    return waitingList.requireHolder(caller, id).compose(v -> platform.pool().withTransaction(tx -> store.held(tx, id)
        .compose(held -> held.isEmpty() ? Future.failedFuture(ApiException.notFound("No such place on a waiting list."))
            : PersonalDataAudit.citizenExport(tx, "waiting_place", id, address, now)
                .compose(w -> store.offersMade(tx, id))
                .compose(offers -> PersonalDataAudit.of(tx, "waiting_place", id).map(audit ->
                    new VisioRecords.WaitingPlaceData(now.atOffset(ZoneOffset.UTC), held.get(), offers, audit))))));
  }

  /** Her open places as held; each one exported is audited with the admin, her reason and address. */
  public Future<List<VisioRecords.WaitingPlaceHeld>> exportOf(Principal admin, String email, String phone, String reason,
                                                              String address) {
    Instant now = platform.clock().instant();
    return written(phone).compose(p -> platform.pool().withTransaction(tx -> store.heldBy(tx, email, p)
        .compose(held -> Futures.inOrder(held, place -> PersonalDataAudit.record(tx, "waiting_place", place.id(),
            admin.userId(), "admin", "export", reason, address, now).map(place)))));
  }

  /** Her open places closed, nothing of her kept, each audited as her appointments are; answers how many. */
  public Future<Integer> eraseOf(Principal admin, String email, String phone, String reason, String address) {
    Instant now = platform.clock().instant();
    return written(phone).compose(p -> platform.pool().withTransaction(tx -> store.heldBy(tx, email, p)
        .compose(held -> Futures.<VisioRecords.WaitingPlaceHeld, List<WaitingListStore.Released>>inOrder(held,
            place -> waitingList.leave(tx, place.id()).compose(released -> PersonalDataAudit.record(tx, "waiting_place",
                place.id(), admin.userId(), "admin", "erasure", reason, address, now).map(released))))
        .map(all -> {
          all.forEach(released -> released.forEach(waitingList::slotsChanged));
          return all.size();
        })));
  }

  private static Future<String> written(String phone) {
    Optional<String> written = phone == null ? Optional.empty() : PhoneNumbers.written(phone);
    return phone != null && written.isEmpty()
        ? Future.failedFuture(ApiException.badRequest("Invalid field 'phone': a phone number such as 06 39 98 12 34 or +33 6 39 98 12 34."))
        : Future.succeededFuture(written.orElse(null));
  }
}
