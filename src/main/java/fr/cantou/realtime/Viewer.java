package fr.cantou.realtime;

import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;

import java.util.UUID;

/**
 * Who is on the other end of a WebSocket: a signed-in user, or a citizen holding an
 * appointment's manage token (no account). Exactly one of the two is set.
 */
public record Viewer(Principal principal, UUID appointmentId) {

  public static Viewer of(Principal principal) {
    return new Viewer(principal, null);
  }

  public static Viewer ofAppointment(UUID appointmentId) {
    return new Viewer(null, appointmentId);
  }

  /** Whether an event with this audience may be pushed to this viewer (HTTP rights are derived from it too). */
  public boolean admits(Audience audience) {
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
    if (principal.organisationId() != null
        && audience.organisationRoles().contains(new OrganisationRole(principal.organisationId(), role))) {
      return true;
    }
    return principal.role() == Role.DOCTOR
        && principal.specialties().stream().anyMatch(audience.specialties()::contains);
  }
}
