package fr.cantou.identity;

import java.time.Instant;
import java.util.UUID;

/** What a verified access token says: to whom it was issued, until when, in which session (null: issued before sessions were named). */
record AccessToken(UUID userId, Instant expiresAt, UUID sessionId) {}
