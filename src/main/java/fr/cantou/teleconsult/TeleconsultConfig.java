package fr.cantou.teleconsult;

import fr.cantou.platform.config.Settings;

import java.time.Duration;

/**
 * The teleconsultations' settings (teleconsult.* in config/cantou.yaml, CANTOU_TELECONSULT_*).
 * {@code patientDataKept}: after a request closed, how long its patient fields, reason and report stay.
 * {@code opinionGrace}: how long a written opinion stays with a doctor who has no console open (she
 * answers when she can: the 30-second grace of calls would take it from her as she closes her tablet).
 * {@code files}: the limits of the photos and documents added to a request.
 * {@code guestsPerCall}: how many guests (interpreter, family, regular GP) one call may have invited.
 * {@code retentionBatch}: how many requests the retention job erases per statement (each its own short transaction).
 */
public record TeleconsultConfig(Duration joinTimeout, Duration escalateAfter, Duration presenceGrace, Duration patientDataKept,
                                Duration opinionGrace, FileLimits files, int guestsPerCall,
                                int retentionBatch) {

  /**
   * At most {@code maxBytes} a file, {@code perItem} files a request, {@code maxPixels} in a picture; on a node, at most
   * {@code uploadsPerUser} uploads of one user at once (429 past it) and {@code uploadsWaiting} uploads besides those its
   * workers check (being received or waiting for a worker; 503 past it).
   */
  public record FileLimits(long maxBytes, int perItem, long maxPixels, int uploadsPerUser, int uploadsWaiting) {}

  /** What the pages show of these settings (GET /api/config). */
  public io.vertx.core.json.JsonObject publicValues() {
    return new io.vertx.core.json.JsonObject().put("patientDataDays", patientDataKept.toDays())
        .put("fileMaxBytes", files.maxBytes()).put("filesPerRequest", files.perItem());
  }

  public static TeleconsultConfig from(Settings s) {
    return new TeleconsultConfig(
        Duration.ofMinutes(s.intIn("teleconsult.joinTimeoutMinutes", 1, 24 * 60)),
        Duration.ofMinutes(s.intIn("teleconsult.escalateAfterMinutes", 1, 24 * 60)),
        Duration.ofSeconds(s.intIn("teleconsult.presenceGraceSeconds", 0, 3600)),
        Duration.ofDays(s.intIn("teleconsult.patientDataDays", 1, 3650)),
        Duration.ofHours(s.intIn("teleconsult.opinionGraceHours", 1, 24 * 7)),
        new FileLimits(s.intIn("teleconsult.fileMaxBytes", 1024, 100 * 1024 * 1024),
            s.intIn("teleconsult.filesPerRequest", 1, 50),
            s.intIn("teleconsult.imageMaxMegapixels", 1, 200) * 1_000_000L,
            s.intIn("teleconsult.fileUploadsPerUser", 1, 20),
            s.intIn("teleconsult.fileUploadsWaiting", 0, 1000)),
        s.intIn("teleconsult.guestsPerCall", 0, 10),
        s.intIn("teleconsult.retentionBatchSize", 1, 100_000));
  }
}
