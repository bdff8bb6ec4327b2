package fr.cantou.visio;

import fr.cantou.platform.PhoneNumbers;
import fr.cantou.platform.Platform;
import fr.cantou.platform.RateLimits;
import fr.cantou.platform.http.ApiException;
import io.vertx.core.Future;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * A booking made at a point's screen, with the mediator's help, for someone who came without an
 * appointment: one of the point's free slots, her name and, if she has one, her mobile number (the
 * confirmation goes by SMS, with the reference and the manage link: the screen never gets the link).
 * Without a mobile she leaves with her reference shown large, written down or printed: only such a
 * booking may have no contact at all (the appointment names the screen, {@code booked_at_kiosk}, V70), and only for a
 * slot of the same day (she is there), at most {@code visio.kioskContactlessPerDay} a day per screen and per point: a
 * screen's token, copied or misused, cannot fill the point's calendar with people nobody can reach. The
 * rules of an anonymous booking apply (the name one line of letters, the phone read as people type
 * it, idempotency within the screen's scope), its limits counted per screen instead of per address;
 * the point is the screen's, no e-mail, no note. The audit trail names the screen. The answer is what the
 * screen may show: the appointment as its list shows it, her reference to note, whether an SMS
 * was queued, and whether she can check in at once (her slot is today and starts within
 * {@link #CHECK_IN_AT_ONCE}).
 */
final class KioskBookings {
  /** A slot starting within this is "now": the screen offers to check her in at once. */
  static final Duration CHECK_IN_AT_ONCE = Duration.ofMinutes(30);

  /** What the screen shows once she booked. */
  record KioskBooked(KioskService.KioskAppointment appointment, String reference, boolean smsSent, boolean checkInNow) {}

  private final Platform platform;
  private final KioskService kiosks;
  private final BookingService bookings;
  private final AnonymousBookings limits;
  private final int contactlessPerDay;

  KioskBookings(Platform platform, KioskService kiosks, BookingService bookings, AnonymousBookings limits, int contactlessPerDay) {
    this.platform = platform;
    this.kiosks = kiosks;
    this.bookings = bookings;
    this.limits = limits;
    this.contactlessPerDay = contactlessPerDay;
  }

  Future<KioskBooked> book(String token, VisioRecords.Booking asked, String idempotencyKey, String address) {
    return kiosks.screen(token).compose(s -> atScreen(s, asked, idempotencyKey, address)
        .map(booked -> {
          Appointment a = booked.appointment();
          Instant now = platform.clock().instant();
          Instant start = a.start().toInstant();
          boolean today = LocalDate.ofInstant(start, s.zone()).equals(LocalDate.ofInstant(now, s.zone()));
          boolean soon = today && start.isBefore(now.plus(CHECK_IN_AT_ONCE)) && now.isBefore(a.end().toInstant());
          String phone = a.citizen() == null ? null : a.citizen().phone();
          return new KioskBooked(KioskService.shown(a), a.reference(), phone != null && PhoneNumbers.textable(phone), soon);
        }));
  }

  private Future<Booked> atScreen(KioskStore.Screen s, VisioRecords.Booking asked, String idempotencyKey, String address) {
    VisioRecords.CitizenBody citizen = asked.citizen();
    String typed = citizen == null ? null : CitizenContact.blankToNull(citizen.phone());
    if (typed != null && !PhoneNumbers.written(typed).map(PhoneNumbers::textable).orElse(false)) {
      return Future.failedFuture(ApiException.badRequest(
          "Invalid field 'citizen.phone': a French mobile number (06 or 07), to receive the confirmation by SMS."));
    }
    LocalDate today = LocalDate.ofInstant(platform.clock().instant(), s.zone());
    if (citizen != null && typed == null && asked.start() != null
        && !asked.start().atZoneSameInstant(s.zone()).toLocalDate().equals(today)) {
      return Future.failedFuture(ApiException.badRequest("Invalid field 'citizen.phone': without a mobile number, "
          + "a booking at the screen is for a slot of today only; for another day, give a mobile number or call the service."));
    }
    UUID screen = s.id();
    VisioRecords.Booking here = new VisioRecords.Booking(asked.serviceId(), asked.start(), s.pointId().toString(),
        citizen == null ? null : new VisioRecords.CitizenBody(citizen.name(), null, citizen.phone()), null, List.of());
    return bookings.book(Caller.ofScreen(screen, address), "screen:" + screen, here, idempotencyKey,
        (email, phone) -> limits.ofScreen(screen, phone), typed != null ? null : tx -> limits.takeForTheDayIn(tx, List.of(
            new RateLimits.Limit("kiosk-contactless-screen:" + screen + ":" + today, contactlessPerDay),
            new RateLimits.Limit("kiosk-contactless-point:" + s.pointId() + ":" + today, contactlessPerDay)),
            ApiException.tooManyRequests("Enough bookings without a phone number were made here today; "
                + "please give a mobile number or call the service.")));
  }
}
