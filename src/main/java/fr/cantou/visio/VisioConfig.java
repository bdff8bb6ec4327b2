package fr.cantou.visio;

import fr.cantou.platform.config.Settings;

import java.time.Duration;

/**
 * Visio-accueil's settings (visio.* in config/cantou.yaml, CANTOU_VISIO_*).
 * {@code slotDaysKept}: days of computed slots each node keeps in memory; 0 computes every request from the database.
 * {@code anonymousBookingsPerAddress}, {@code anonymousBookingsPerContact}: per hour, for callers not signed in;
 * {@code anonymousBookingsPerNetwork}: the same from all the /64s of one IPv6 /48.
 * {@code citizenMovesPerDay}: moves of one appointment with its manage link in 24 hours (each one mails the citizen).
 * {@code lostLinksPerAddress}, {@code lostLinksPerReference}: requests for a new manage link per hour, from one address,
 * and for one reference or one contact; {@code lostLinkLinesPerMinute}: lines of the trail for requests that match
 * nothing, in a minute across the cluster.
 * {@code offerHeldFor}: how long a slot offered from the waiting list is held; {@code offersPerDay}: at most this many
 * offers to one person in 24 hours; {@code waitingKept}: how long someone stays on a waiting list without an offer taken.
 * {@code kioskReset}: a point's screen (the kiosk) goes back to its day's list, keeping nothing of the person, after this
 * long without a touch.
 * {@code kioskContactlessPerDay}: bookings without any contact a point's screen may make in a day, and its point across
 * its screens (each only for the same day).
 * {@code retentionBatch}: how many appointments the retention job erases per statement (each its own short transaction).
 */
public record VisioConfig(Duration joinOpensBefore, int slotDaysKept, int anonymousBookingsPerAddress,
                          int anonymousBookingsPerContact, int anonymousBookingsPerNetwork, Duration manageLinkValidAfterEnd, Duration citizenDataKept,
                          int citizenMovesPerDay, int lostLinksPerAddress, int lostLinksPerReference, int lostLinkLinesPerMinute,
                          Duration offerHeldFor, int offersPerDay, Duration waitingKept, Duration kioskReset,
                          int kioskContactlessPerDay, int retentionBatch) {

  /** What the pages show of these settings (GET /api/config). */
  public io.vertx.core.json.JsonObject publicValues() {
    return new io.vertx.core.json.JsonObject().put("joinOpensMinutesBefore", joinOpensBefore.toMinutes())
        .put("citizenDataDays", citizenDataKept.toDays()).put("waitingOfferHoldMinutes", offerHeldFor.toMinutes())
        .put("waitingOffersPerDay", offersPerDay);
  }

  public static VisioConfig from(Settings s) {
    return new VisioConfig(Duration.ofMinutes(s.intIn("visio.joinOpensMinutesBefore", 0, 24 * 60)),
        s.intIn("visio.slotDaysKept", 0, 1_000_000),
        s.intIn("visio.anonymousBookingsPerAddress", 1, 100_000),
        s.intIn("visio.anonymousBookingsPerContact", 1, 100_000),
        s.intIn("visio.anonymousBookingsPerNetwork", 1, 1_000_000),
        Duration.ofDays(s.intIn("visio.manageLinkDaysAfterEnd", 1, 3650)),
        Duration.ofDays(s.intIn("visio.citizenDataDays", 1, 3650)),
        s.intIn("visio.citizenMovesPerDay", 1, 1_000),
        s.intIn("visio.lostLinksPerAddress", 1, 100_000),
        s.intIn("visio.lostLinksPerReference", 1, 1_000),
        s.intIn("visio.lostLinkLinesPerMinute", 1, 1_000_000),
        Duration.ofMinutes(s.intIn("visio.waitingOfferHoldMinutes", 10, 7 * 24 * 60)),
        s.intIn("visio.waitingOffersPerDay", 1, 50),
        Duration.ofDays(s.intIn("visio.waitingListDays", 1, SlotService.LONGEST_RANGE_DAYS)),
        Duration.ofSeconds(s.intIn("visio.kioskResetSeconds", 30, 3600)),
        s.intIn("visio.kioskContactlessPerDay", 0, 1_000),
        s.intIn("visio.retentionBatchSize", 1, 100_000));
  }
}
