package fr.cantou.identity;

import java.time.Instant;

/**
 * A principal, the moment its access token expires (a WebSocket must end then) and the session it belongs to (null: a
 * token issued before sessions were named), whose end closes the socket too.
 */
public record SignedIn(Principal principal, Instant expiresAt, java.util.UUID sessionId) {}
