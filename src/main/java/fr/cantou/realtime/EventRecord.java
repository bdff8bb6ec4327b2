package fr.cantou.realtime;

import io.vertx.core.json.JsonObject;

/**
 * One row of the outbox, as pushed to the clients whose viewer the audience admits. Its frame
 * is written once, when the row is read, and the same text goes to every socket.
 */
public record EventRecord(long id, String kind, JsonObject data, Audience audience, String frame) {

  public EventRecord(long id, String kind, JsonObject data, Audience audience) {
    this(id, kind, data, audience,
        new JsonObject().put("type", "event").put("id", id).put("kind", kind).put("data", data).encode());
  }
}
