package fr.cantou.identity;

import java.util.Set;
import java.util.UUID;

/** Who is calling, as the database says now (a deactivated user is never a principal). */
public record Principal(UUID userId, Role role, String displayName, UUID organisationId, Set<String> specialties) {

  public boolean is(Role expected) {
    return role == expected;
  }

  public boolean belongsTo(UUID organisation) {
    return organisationId != null && organisationId.equals(organisation);
  }
}
