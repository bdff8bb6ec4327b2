package fr.cantou.realtime;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.UUID;

/**
 * The manage links of an appointment changed: renewed (a new version: every earlier link stops
 * opening it), or valid until another time (the appointment moved). Pushed to nobody: every
 * node closes the sockets of that appointment opened with an older version (4401), and ends the
 * others at the new end of validity. Written in the change's transaction, like any event, so
 * a socket on another node hears it too.
 */
public final class ManageLinkEvents {
  public static final String CHANGED = "manage_link.changed";

  private ManageLinkEvents() {}

  public static JsonObject data(UUID appointmentId, int version, Instant validUntil) {
    return new JsonObject().put("appointmentId", appointmentId.toString()).put("version", version)
        .put("validUntil", validUntil.toString());
  }
}
