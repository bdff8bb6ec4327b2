package fr.cantou.identity;

import java.time.Instant;

/** A principal and the moment its access token expires (a WebSocket must end then). */
public record SignedIn(Principal principal, Instant expiresAt) {}
