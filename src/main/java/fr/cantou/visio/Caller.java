package fr.cantou.visio;

import fr.cantou.identity.Principal;

/**
 * Who asks about an appointment: a signed-in professional, or the holder of a manage token; and
 * from which address (the audit trail records it with each change).
 */
public record Caller(Principal principal, String manageToken, String address) {

  public static Caller of(Principal principal, String manageToken, String address) {
    return new Caller(principal, manageToken, address);
  }
}
