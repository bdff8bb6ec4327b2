package fr.cantou.audit;

import java.time.Instant;
import java.util.UUID;

/** What the admin asked for; null: any. {@code after}/{@code before}: the period, [after, before). */
public record AuditFilter(UUID userId, String itemId, String itemKind, String category, Instant after, Instant before) {}
