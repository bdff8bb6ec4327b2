package fr.cantou.teleconsult;

import fr.cantou.platform.config.Settings;

import java.time.Duration;

/**
 * The teleconsultations' settings (teleconsult.* in config/cantou.yaml, CANTOU_TELECONSULT_*).
 * {@code patientDataKept}: after a request closed, how long its patient fields, reason and report stay.
 * {@code opinionGrace}: how long a written opinion stays with a doctor who has no console open (she
 * answers when she can: the 30-second grace of calls would take it from her as she closes her tablet).
 */
public record TeleconsultConfig(Duration joinTimeout, Duration escalateAfter, Duration presenceGrace, Duration patientDataKept,
                                Duration opinionGrace) {

  /** What the pages show of these settings (GET /api/config). */
  public io.vertx.core.json.JsonObject publicValues() {
    return new io.vertx.core.json.JsonObject().put("patientDataDays", patientDataKept.toDays());
  }

  public static TeleconsultConfig from(Settings s) {
    return new TeleconsultConfig(
        Duration.ofMinutes(s.intIn("teleconsult.joinTimeoutMinutes", 1, 24 * 60)),
        Duration.ofMinutes(s.intIn("teleconsult.escalateAfterMinutes", 1, 24 * 60)),
        Duration.ofSeconds(s.intIn("teleconsult.presenceGraceSeconds", 0, 3600)),
        Duration.ofDays(s.intIn("teleconsult.patientDataDays", 1, 3650)),
        Duration.ofHours(s.intIn("teleconsult.opinionGraceHours", 1, 24 * 7)));
  }
}
