package fr.cantou.identity;

import fr.cantou.platform.http.ApiException;

/** The identity feature's one place for rights: organisations, users and specialties are the admin's. */
final class IdentityRights {
  private IdentityRights() {}

  static Principal requireAdmin(Principal principal) {
    if (!principal.is(Role.ADMIN)) {
      throw ApiException.forbidden("Only an administrator of the département may manage organisations and users.");
    }
    return principal;
  }
}
