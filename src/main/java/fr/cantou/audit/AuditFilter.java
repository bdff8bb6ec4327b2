package fr.cantou.audit;

import java.time.Instant;
import java.util.UUID;

/**
 * What the admin asked for; null: any. {@code reference}: an appointment's reference or a
 * patient's (any case): the lines about the items it names. {@code after}/{@code before}: the
 * period, [after, before).
 */
public record AuditFilter(UUID userId, String itemId, String reference, String itemKind, String category, Instant after,
                          Instant before) {}
