package fr.cantou.realtime;

import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;

/**
 * One row of the outbox, as pushed to the clients whose viewer the audience admits. Its frame
 * is written once, when the row is read, and the same bytes (UTF-8) go to every socket; nobody
 * changes them.
 */
public record EventRecord(long id, String kind, JsonObject data, Audience audience, byte[] frame) {

  public EventRecord(long id, String kind, JsonObject data, Audience audience) {
    this(id, kind, data, audience, new JsonObject().put("type", "event").put("id", id).put("kind", kind).put("data", data)
        .encode().getBytes(StandardCharsets.UTF_8));
  }
}
