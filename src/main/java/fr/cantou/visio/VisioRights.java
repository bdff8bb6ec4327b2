package fr.cantou.visio;

import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;
import fr.cantou.platform.http.ApiException;
import fr.cantou.realtime.Audience;
import fr.cantou.realtime.Viewer;

import java.util.UUID;

/** The one place that says who may see and change an appointment. */
final class VisioRights {
  private VisioRights() {}

  /** Whoever its audience admits ({@link VisioVisibility}): what a GET shows is what is pushed. */
  static boolean mayOpen(Caller caller, Appointment a, ManageTokens tokens) {
    Audience audience = VisioVisibility.of(a);
    if (caller.manageToken() != null
        && tokens.opens(caller.manageToken(), UUID.fromString(a.id()), a.manageTokenVersion(), a.end().toInstant())) {
      return true;
    }
    return caller.principal() != null && Viewer.of(caller.principal()).admits(audience);
  }

  static void requireOpen(Caller caller, Appointment a, ManageTokens tokens) {
    if (caller.principal() == null && caller.manageToken() == null) {
      throw ApiException.unauthorized("Give the appointment's manage token (X-Manage-Token) or sign in.");
    }
    if (!mayOpen(caller, a, tokens)) {
      throw ApiException.forbidden("This appointment is not yours to see.");
    }
  }

  /** The citizen herself, with her appointment's current manage link: staff, even its own agent, are not her. */
  static void requireCitizen(Caller caller, Appointment a, ManageTokens tokens) {
    if (caller.principal() == null && caller.manageToken() == null) {
      throw ApiException.unauthorized("Give the appointment's manage token (X-Manage-Token) or sign in.");
    }
    if (caller.manageToken() == null
        || !tokens.opens(caller.manageToken(), UUID.fromString(a.id()), a.manageTokenVersion(), a.end().toInstant())) {
      throw ApiException.forbidden("Only the citizen, with her manage link, may do this.");
    }
  }

  static boolean isAgentOf(Principal p, Appointment a) {
    return p != null && p.is(Role.AGENT) && p.belongsTo(UUID.fromString(a.organisationId()));
  }

  static void requireAgentOf(Caller caller, Appointment a) {
    if (!isAgentOf(caller.principal(), a)) {
      throw ApiException.forbidden("Only an agent of {0} may do this.", a.administration());
    }
  }

  static Principal requireAdmin(Principal p) {
    if (p == null || !p.is(Role.ADMIN)) {
      throw ApiException.forbidden("Only an administrator of the département may do this.");
    }
    return p;
  }

  /** An agent's calendar: the agent itself, or an admin. */
  /** A closure of the whole administration: one of its agents, or an admin. */
  static void requireClosureOf(Principal p, UUID organisationId) {
    if (p == null || !(p.is(Role.ADMIN) || (p.is(Role.AGENT) && organisationId.equals(p.organisationId())))) {
      throw ApiException.forbidden("Only an agent of this administration or an administrator may close it.");
    }
  }

  static void requireCalendarOf(Principal p, UUID agentId) {
    if (p == null || !(p.is(Role.ADMIN) || (p.is(Role.AGENT) && p.userId().equals(agentId)))) {
      throw ApiException.forbidden("Only the agent or an administrator may change this calendar.");
    }
  }
}
