package fr.cantou.visio;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** What a booking answers: the appointment and, only here, its manage token. */
public record Booked(@JsonUnwrapped Appointment appointment, String manageToken) {}
