package fr.cantou.audit;

import java.time.OffsetDateTime;

/**
 * One line of the audit trail. {@code category}: {@code read} (a teleconsultation's patient
 * data read or pushed), {@code change}, {@code export} or {@code erasure} (RGPD); {@code action}
 * says exactly what ({@code read}, {@code push}, {@code teleconsultation.completed}…).
 * {@code actor}: {@code user}, {@code citizen} for a citizen with her manage link (no user), or {@code screen} for a
 * point's screen with its device token. {@code screenId} and {@code screenLabel}: the screen a line is about (what it
 * did, or what staff did to it), else null. {@code at} in the département's time zone.
 */
public record AuditEntry(String id, OffsetDateTime at, String actor, String userId, String userName, String userRole,
                         String category, String action, String itemKind, String itemId, String address, String reason,
                         String screenId, String screenLabel) {}
