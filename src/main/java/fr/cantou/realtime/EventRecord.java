package fr.cantou.realtime;

import io.vertx.core.json.JsonObject;

/** One row of the outbox, as pushed to the clients whose viewer the audience admits. */
public record EventRecord(long id, String kind, JsonObject data, Audience audience) {

  JsonObject toMessage() {
    return new JsonObject().put("type", "event").put("id", id).put("kind", kind).put("data", data);
  }
}
