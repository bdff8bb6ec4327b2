package fr.cantou.visio;

import fr.cantou.identity.Role;
import fr.cantou.realtime.Audience;

import java.util.UUID;

/**
 * The one rule of who sees an appointment: the agents of its administration (not every member
 * of it), the professional who booked it (a mediator, or an agent), the holder of its manage
 * token. The HTTP reads ({@link VisioRights#mayOpen}) and the events ({@link VisioEvents}) both
 * use it. There is one variant: whoever sees it sees all of it.
 */
final class VisioVisibility {
  private VisioVisibility() {}

  static Audience of(Appointment a) {
    return administration(UUID.fromString(a.organisationId()))
        .andUser(a.bookedBy() == null ? null : UUID.fromString(a.bookedBy().id()))
        .andAppointment(UUID.fromString(a.id()));
  }

  /** The agents of an administration: who may see its calendars change. */
  static Audience administration(UUID organisationId) {
    return Audience.organisationRole(organisationId, Role.AGENT.code());
  }
}
