package fr.cantou.realtime;

import java.time.Instant;

/**
 * Who said hello, and until when its token holds: {@code expiresAt}, an access token's end by
 * the system clock (null: a token that does not expire); {@code link}, for a manage token, the
 * version of the appointment's links it belongs to and the end of their validity (by the node's
 * clock). A socket is closed when either ends (see {@link TokenExpiry}) or when the links are
 * renewed past its version ({@link ManageLinkEvents}); {@code session}, for an access token, the session it belongs to, whose
 * end (signing out, a refresh token used twice) closes the socket.
 */
public record Identified(Viewer viewer, Instant expiresAt, Link link, java.util.UUID session) {

  public Identified(Viewer viewer, Instant expiresAt, Link link) {
    this(viewer, expiresAt, link, null);
  }

  /** A user whose password is still the one an admin typed: she may do nothing but choose her own (HTTP answers 403). */
  public boolean passwordToReplace() {
    return viewer.principal() != null && viewer.principal().passwordToReplace();
  }

  /** The version of an appointment's links a manage token belongs to, and when they stop opening it. */
  public record Link(int version, Instant validUntil) {}

  /** A citizen who said hello with a manage token of this version of the links, valid until then. */
  public static Identified byLink(Viewer viewer, int version, Instant validUntil) {
    return new Identified(viewer, null, new Link(version, validUntil));
  }
}
