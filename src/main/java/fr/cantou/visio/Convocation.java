package fr.cantou.visio;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * Her appointment as her manage page reads it (with her manage token): the appointment and, while
 * it is still to be held, the QR code of its reference to scan at the point's screen. Only the
 * reference is in it: scanned, it opens nothing but the check-in of that screen's own appointments.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Convocation(@JsonUnwrapped Appointment appointment, String qrCode) {
  static Convocation of(Appointment a) {
    return new Convocation(a, qrCode(a));
  }

  /** The SVG of her reference's QR code, or null once the appointment is no longer to be held. */
  static String qrCode(Appointment a) {
    return a.open() && a.reference() != null ? QrCodes.svg(a.reference()) : null;
  }
}
