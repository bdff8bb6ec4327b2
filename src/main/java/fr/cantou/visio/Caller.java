package fr.cantou.visio;

import fr.cantou.identity.Principal;

/** Who asks about an appointment: a signed-in professional, or the holder of a manage token. */
public record Caller(Principal principal, String manageToken) {

  public static Caller of(Principal principal, String manageToken) {
    return new Caller(principal, manageToken);
  }
}
