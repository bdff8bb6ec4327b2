package fr.cantou.realtime;

import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * A paired device was revoked (a point's screen taken back by staff). Pushed to nobody: every
 * node closes that device's sockets (4401) at once, and a socket whose hello is being checked
 * when it is heard is closed as soon as its viewer is known. Written in the revocation's
 * transaction, like any event, so a socket on another node hears it too.
 */
public final class DeviceEvents {
  public static final String REVOKED = "device.revoked";

  private DeviceEvents() {}

  public static JsonObject revoked(UUID device) {
    return new JsonObject().put("deviceId", device.toString());
  }
}
