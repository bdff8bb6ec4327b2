package fr.cantou.identity;

import java.util.Set;
import java.util.UUID;

/**
 * Who is calling, as the database says now (a deactivated user is never a principal), and from
 * which address ({@link fr.cantou.platform.http.ClientAddress}; null when not called over the
 * network): what the audit trail records with each read and change. {@code passwordToReplace}: her password is
 * still the one an admin typed, and she may do nothing but choose her own.
 */
public record Principal(UUID userId, Role role, String displayName, UUID organisationId, Set<String> specialties,
                        String address, boolean passwordToReplace) {

  public Principal(UUID userId, Role role, String displayName, UUID organisationId, Set<String> specialties) {
    this(userId, role, displayName, organisationId, specialties, null, false);
  }

  public Principal(UUID userId, Role role, String displayName, UUID organisationId, Set<String> specialties,
                   String address) {
    this(userId, role, displayName, organisationId, specialties, address, false);
  }

  /** The same user, calling from this address. */
  public Principal from(String clientAddress) {
    return new Principal(userId, role, displayName, organisationId, specialties, clientAddress, passwordToReplace);
  }

  public boolean is(Role expected) {
    return role == expected;
  }

  public boolean belongsTo(UUID organisation) {
    return organisationId != null && organisationId.equals(organisation);
  }
}
