package fr.cantou.identity;

/** What a successful login or refresh answers. */
public record Session(String accessToken, String tokenType, long expiresIn, String refreshToken, long refreshExpiresIn,
                      SessionUser user) {

  /** {@code mustChangePassword}: her password is still the one an admin typed; she chooses her own before anything else. */
  public record SessionUser(String id, String role, String displayName, String organisationId,
                            java.util.List<String> specialties, boolean mustChangePassword) {}
}
