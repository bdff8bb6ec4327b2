package fr.cantou.visio;

import fr.cantou.identity.Principal;

import java.util.UUID;

/**
 * Who asks about an appointment: a signed-in professional, the holder of a manage token, or a
 * point's screen ({@code screen}: its id, with its device token); and from which address (the
 * audit trail records it with each change, and names the screen when a screen acted).
 */
public record Caller(Principal principal, String manageToken, String address, UUID screen) {

  /**
   * A request that carries a manage token is its holder's, the citizen's, even with a session beside it: judged as a
   * signed-in professional's, it escaped her limits (moves a day) and signed her changes with a name that had no right
   * to them. The pages never send both (they send her link without the session).
   */
  public static Caller of(Principal principal, String manageToken, String address) {
    // An empty header is no token: it neither speaks for her nor hides the session.
    String token = manageToken == null || manageToken.isBlank() ? null : manageToken;
    return new Caller(token == null ? principal : null, token, address, null);
  }

  /** A point's screen, acting with its device token. */
  static Caller ofScreen(UUID screen, String address) {
    return new Caller(null, null, address, screen);
  }

  /** A signed-in mediator: beside the citizen, he acts on her side (her presence, a booking without her contact). */
  boolean mediator() {
    return principal != null && principal.is(fr.cantou.identity.Role.MEDIATOR);
  }
}
