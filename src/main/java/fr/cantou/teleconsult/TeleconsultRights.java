package fr.cantou.teleconsult;

import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;
import fr.cantou.platform.http.ApiException;
import fr.cantou.realtime.Viewer;

import java.util.UUID;

/** The one place that says who may do what with a teleconsultation. */
final class TeleconsultRights {
  private TeleconsultRights() {}

  static Principal requireNurse(Principal p) {
    if (!p.is(Role.NURSE)) {
      throw ApiException.forbidden("Only a nurse of a care home or a maison de santé may do this.");
    }
    return p;
  }

  static Principal requireDoctor(Principal p) {
    if (!p.is(Role.DOCTOR)) {
      throw ApiException.forbidden("Only a doctor may do this.");
    }
    return p;
  }

  static Principal requireCareSide(Principal p) {
    if (!p.is(Role.NURSE) && !p.is(Role.DOCTOR)) {
      throw ApiException.forbidden("Teleconsultations are for the nurses and doctors who take part in them.");
    }
    return p;
  }

  /** Doctors' presence: whoever its events reach (see {@link TeleconsultVisibility#presence}). */
  static Principal requireSeePresence(Principal p) {
    if (!Viewer.of(p).admits(TeleconsultVisibility.presence())) {
      throw ApiException.forbidden("Teleconsultations are for the nurses and doctors who take part in them.");
    }
    return p;
  }

  /** Whoever the full item's audience admits (see {@link TeleconsultVisibility}): what a GET shows is what is pushed. */
  static boolean maySee(Principal p, Teleconsultation item) {
    return Viewer.of(p).admits(TeleconsultVisibility.of(item).full());
  }

  /** A doctor who could have taken it while it waited: she is told it is gone (409), not refused. */
  static boolean inPool(Principal p, Teleconsultation item) {
    return p.is(Role.DOCTOR) && Viewer.of(p).admits(TeleconsultVisibility.pool(item));
  }

  static void requireSee(Principal p, Teleconsultation item) {
    if (!maySee(p, item)) {
      throw ApiException.forbidden("This teleconsultation is not yours to see.");
    }
  }

  /** Only the two sides of the call: the nurse's organisation and the assigned doctor. */
  static boolean isNurseSide(Principal p, Teleconsultation item) {
    return p.is(Role.NURSE) && p.belongsTo(UUID.fromString(item.organisationId()));
  }

  static void requireParticipant(Principal p, Teleconsultation item) {
    boolean doctor = p.is(Role.DOCTOR) && p.userId().toString().equals(item.doctorId());
    if (!doctor && !isNurseSide(p, item)) {
      throw ApiException.forbidden("Only the care home's nurses and the assigned doctor may enter this room.");
    }
  }

  static void requireAssignedDoctor(Principal p, Teleconsultation item) {
    if (!p.is(Role.DOCTOR) || !p.userId().toString().equals(item.doctorId())) {
      throw ApiException.forbidden("Only the doctor who took this teleconsultation may do this.");
    }
  }
}
