package fr.cantou.realtime;

import java.util.Set;
import java.util.UUID;

/**
 * Who may receive an event: any match suffices. Rights are enforced on what is pushed, not
 * only on HTTP reads, so every event names its audience when it is written.
 */
public record Audience(Set<UUID> organisations, Set<UUID> users, Set<String> specialties, UUID appointment,
                       Set<String> roles) {

  public static Audience none() {
    return new Audience(Set.of(), Set.of(), Set.of(), null, Set.of());
  }

  public static Audience organisation(UUID organisation) {
    return none().andOrganisation(organisation);
  }

  public static Audience user(UUID user) {
    return none().andUser(user);
  }

  public Audience andOrganisation(UUID organisation) {
    return new Audience(plus(organisations, organisation), users, specialties, appointment, roles);
  }

  public Audience andUser(UUID user) {
    return user == null ? this : new Audience(organisations, plus(users, user), specialties, appointment, roles);
  }

  public Audience andSpecialties(java.util.Collection<String> more) {
    Set<String> all = new java.util.HashSet<>(specialties);
    all.addAll(more);
    return new Audience(organisations, users, Set.copyOf(all), appointment, roles);
  }

  public Audience andAppointment(UUID appointmentId) {
    return new Audience(organisations, users, specialties, appointmentId, roles);
  }

  public Audience andRole(String role) {
    return new Audience(organisations, users, specialties, appointment, plus(roles, role));
  }

  private static <T> Set<T> plus(Set<T> set, T value) {
    if (value == null) {
      return set;
    }
    java.util.HashSet<T> copy = new java.util.HashSet<>(set);
    copy.add(value);
    return Set.copyOf(copy);
  }
}
