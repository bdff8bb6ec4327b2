package fr.cantou.realtime;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * Who may receive an event: any match suffices. Generic scopes only (this package knows no
 * flow): users, the users of a role in an organisation, doctors of a specialty, the holder of
 * an appointment's manage token, every user of a role, a paired device (a point's screen). Each feature's visibility rule builds
 * them, and its HTTP rights are derived from the same audiences. {@code exceptUsers} wins over
 * every scope: a summary for the pool of doctors is not for the one among them who holds the item.
 */
public record Audience(Set<UUID> users, Set<OrganisationRole> organisationRoles, Set<String> specialties,
                       UUID appointment, Set<String> roles, Set<UUID> exceptUsers, Set<UUID> devices) {

  public static Audience none() {
    return new Audience(Set.of(), Set.of(), Set.of(), null, Set.of(), Set.of(), Set.of());
  }

  public static Audience user(UUID user) {
    return none().andUser(user);
  }

  /** A paired device only (a point's screen): what it may see is its feature's own variant, never a person's item. */
  public static Audience device(UUID device) {
    return new Audience(Set.of(), Set.of(), Set.of(), null, Set.of(), Set.of(), Set.of(device));
  }

  public static Audience organisationRole(UUID organisation, String role) {
    return none().andOrganisationRole(organisation, role);
  }

  public Audience andUser(UUID user) {
    return new Audience(plus(users, user), organisationRoles, specialties, appointment, roles, exceptUsers, devices);
  }

  public Audience andOrganisationRole(UUID organisation, String role) {
    return new Audience(users, plus(organisationRoles, new OrganisationRole(organisation, role)), specialties,
        appointment, roles, exceptUsers, devices);
  }

  public Audience andSpecialties(Collection<String> more) {
    return new Audience(users, organisationRoles, union(specialties, more), appointment, roles, exceptUsers, devices);
  }

  public Audience andAppointment(UUID appointmentId) {
    return new Audience(users, organisationRoles, specialties, appointmentId, roles, exceptUsers, devices);
  }

  public Audience andRole(String role) {
    return new Audience(users, organisationRoles, specialties, appointment, plus(roles, role), exceptUsers, devices);
  }

  /** Everyone admitted but this user. */
  public Audience except(UUID user) {
    return new Audience(users, organisationRoles, specialties, appointment, roles, plus(exceptUsers, user), devices);
  }

  /** Whoever either audience admits (the appointment of {@code other} wins when both name one). */
  public Audience and(Audience other) {
    return new Audience(union(users, other.users), union(organisationRoles, other.organisationRoles),
        union(specialties, other.specialties), other.appointment != null ? other.appointment : appointment,
        union(roles, other.roles), union(exceptUsers, other.exceptUsers), union(devices, other.devices));
  }

  public boolean isEmpty() {
    return users.isEmpty() && organisationRoles.isEmpty() && specialties.isEmpty() && appointment == null
        && roles.isEmpty() && devices.isEmpty();
  }

  private static <T> Set<T> plus(Set<T> set, T value) {
    return value == null ? set : union(set, Set.of(value));
  }

  private static <T> Set<T> union(Set<T> set, Collection<T> more) {
    Set<T> all = new HashSet<>(set);
    all.addAll(more);
    return Set.copyOf(all);
  }
}
