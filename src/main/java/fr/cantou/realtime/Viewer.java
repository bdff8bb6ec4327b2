package fr.cantou.realtime;

import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;

import java.util.UUID;

/**
 * Who is on the other end of a WebSocket: a signed-in user, a citizen holding an appointment's
 * manage token (no account), or a paired device (a point's screen, its device token). Exactly one
 * of the three is set. A device is admitted only by events addressed to it by name
 * ({@link Audience#devices()}): its feature writes those in the variant the device may see.
 */
public record Viewer(Principal principal, UUID appointmentId, UUID device) {

  public static Viewer of(Principal principal) {
    return new Viewer(principal, null, null);
  }

  public static Viewer ofAppointment(UUID appointmentId) {
    return new Viewer(null, appointmentId, null);
  }

  public static Viewer ofDevice(UUID device) {
    return new Viewer(null, null, device);
  }

  /** Whether an event with this audience may be pushed to this viewer (HTTP rights are derived from it too). */
  public boolean admits(Audience audience) {
    if (device != null) {
      return audience.devices().contains(device);
    }
    if (appointmentId != null) {
      return appointmentId.equals(audience.appointment());
    }
    if (audience.exceptUsers().contains(principal.userId())) {
      return false;
    }
    String role = principal.role().code();
    if (audience.users().contains(principal.userId()) || audience.roles().contains(role)) {
      return true;
    }
    // Said for each socket of each event: the doctors' pool first (a queued item reaches the
    // most sockets that way), and the few organisation roles looked through, nothing made.
    if (principal.role() == Role.DOCTOR && !audience.specialties().isEmpty()) {
      for (String specialty : principal.specialties()) {
        if (audience.specialties().contains(specialty)) {
          return true;
        }
      }
    }
    UUID organisation = principal.organisationId();
    if (organisation != null) {
      for (OrganisationRole members : audience.organisationRoles()) {
        if (organisation.equals(members.organisation()) && role.equals(members.role())) {
          return true;
        }
      }
    }
    return false;
  }
}
