package fr.cantou.teleconsult;

import fr.cantou.identity.Role;
import fr.cantou.realtime.Audience;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * The one rule of who sees a teleconsultation, and in which variant. The HTTP reads
 * ({@link TeleconsultRights#maySee}) and the events ({@link TeleconsultEvents}) both use it, so
 * the WebSocket never shows more than a GET would.
 *
 * <ul>
 *   <li>full item: the nurses of the requesting organisation (not its doctors: a maison de
 *   santé has both), the assigned doctor, and, while it waits in the queue (announced, not
 *   planned for later), the pool of doctors who could take it;</li>
 *   <li>summary ({@code id, status, specialty, urgency}, no patient data): the pool, once an
 *   item it was offered has left the queue, to take it off their list; not the doctor who
 *   took it, who gets the whole item instead.</li>
 * </ul>
 */
final class TeleconsultVisibility {
  private TeleconsultVisibility() {}

  record Audiences(Audience full, Audience summary) {}

  /** What the rule reads of an item (all of it a replay needs to judge an event by the item as it is now). */
  record Facts(UUID organisationId, UUID doctorId, UUID preferredDoctorId, String status, String specialty,
               boolean escalated, boolean announced) {
    static Facts of(Teleconsultation item) {
      // A request planned for later is not offered (nor shown) to the pool before its time.
      return new Facts(UUID.fromString(item.organisationId()), id(item.doctorId()), id(item.preferredDoctorId()),
          item.status(), item.specialty(), item.escalated(), item.plannedAt() == null);
    }
  }

  static Audiences of(Teleconsultation item) {
    return of(Facts.of(item));
  }

  static Audiences of(Facts item) {
    Audience holders = Audience.organisationRole(item.organisationId(), Role.NURSE.code()).andUser(item.doctorId());
    if (!item.announced()) {
      return new Audiences(holders, Audience.none());
    }
    return Status.QUEUED.equals(item.status()) ? new Audiences(holders.and(pool(item)), Audience.none())
        : new Audiences(holders, pool(item).except(item.doctorId()));
  }

  /** The doctors who could take it: its specialty, médecine générale once escalated, the preferred doctor. */
  static Audience pool(Teleconsultation item) {
    return pool(Facts.of(item));
  }

  private static Audience pool(Facts item) {
    Set<String> specialties = new HashSet<>();
    specialties.add(item.specialty());
    if (item.escalated()) {
      specialties.add(Status.GENERAL_PRACTICE);
    }
    return Audience.none().andSpecialties(specialties).andUser(item.preferredDoctorId());
  }

  /**
   * Who sees doctors' presence (the {@code GET /api/presence} list, the snapshot's part and the
   * {@code presence.changed} events): the care side, every nurse and doctor, who need it to know
   * who can answer. Not admins: no page of theirs uses it, and it says when a named doctor works.
   */
  static Audience presence() {
    return Audience.none().andRole(Role.NURSE.code()).andRole(Role.DOCTOR.code());
  }

  private static UUID id(String value) {
    return value == null ? null : UUID.fromString(value);
  }
}
