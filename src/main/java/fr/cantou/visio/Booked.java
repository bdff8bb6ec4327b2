package fr.cantou.visio;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * What a booking answers: the appointment, only here its manage token, and the QR code of her
 * reference (SVG, the reference and nothing else) to show on her confirmation.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Booked(@JsonUnwrapped Appointment appointment, String manageToken, String qrCode) {
  public Booked(Appointment appointment, String manageToken) {
    this(appointment, manageToken, Convocation.qrCode(appointment));
  }
}
