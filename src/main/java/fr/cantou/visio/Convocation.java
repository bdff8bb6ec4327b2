package fr.cantou.visio;

import fr.cantou.platform.Platform;
import fr.cantou.platform.http.ApiException;
import io.vertx.core.Future;

import java.util.UUID;

import static fr.cantou.visio.AppointmentService.status;

/**
 * The QR code of her reference, to show at the point's screen: a picture of its own
 * ({@code GET …/qr-code.svg}) that her confirmation and her manage page load beside the
 * appointment, not a field of every booking's answer. Drawing it is a few milliseconds of
 * plain computation: a worker's, never the event loop's, and only when a page asks for it.
 * Only the reference is in it: scanned, it opens nothing but the check-in of that screen's
 * own appointments.
 */
final class Convocation {
  private final Platform platform;
  private final AppointmentService appointments;

  Convocation(Platform platform, AppointmentService appointments) {
    this.platform = platform;
    this.appointments = appointments;
  }

  /**
   * The SVG, for whoever may read the appointment, while it is still to be held; staff's reads
   * are lines of the audit trail (appointment.qr_code), as their other reads of it.
   */
  Future<String> qrCode(Caller caller, UUID id) {
    return appointments.read(caller, id, "appointment.qr_code").compose(a -> {
      if (!a.open() || a.reference() == null) {
        return Future.failedFuture(ApiException.conflict("This appointment is {0}; it has no code to scan.", status(a.status())));
      }
      return platform.vertx().executeBlocking(() -> QrCodes.svg(a.reference()), false);
    });
  }
}
