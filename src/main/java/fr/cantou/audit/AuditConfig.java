package fr.cantou.audit;

import fr.cantou.platform.config.Settings;

import java.time.Duration;

/** The audit trail's settings (audit.* in config/cantou.yaml, CANTOU_AUDIT_*): how long its lines are kept. */
public record AuditConfig(Duration kept) {

  public static AuditConfig from(Settings s) {
    return new AuditConfig(Duration.ofDays(s.intIn("audit.retentionDays", 30, 3650)));
  }
}
