package fr.cantou.visio;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * What a booking answers: the appointment and, only here, its manage token. The QR code of her
 * reference is a picture of its own ({@link Convocation}), loaded by her confirmation.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Booked(@JsonUnwrapped Appointment appointment, String manageToken) {}
