package fr.cantou.visio;

import fr.cantou.platform.Json;
import fr.cantou.realtime.Audience;
import fr.cantou.realtime.EventOutbox;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.util.UUID;

/** An appointment's events reach whoever may open it ({@link VisioVisibility}): its agents, its booker, its citizen. */
final class VisioEvents {
  private final EventOutbox outbox;

  VisioEvents(EventOutbox outbox) {
    this.outbox = outbox;
  }

  Future<Void> publish(SqlClient tx, String kind, Appointment a) {
    return publish(tx, kind, a, new JsonObject(Json.encode(a)));
  }

  /** A change of time also says the time it leaves, which is free again (for the slots of every node). */
  Future<Void> publishMove(SqlClient tx, Appointment before, Appointment after) {
    JsonObject previous = new JsonObject(Json.encode(java.util.Map.of("start", before.start(), "end", before.end())));
    return publish(tx, "appointment.changed", after, new JsonObject(Json.encode(after)).put("previous", previous));
  }

  private Future<Void> publish(SqlClient tx, String kind, Appointment a, JsonObject data) {
    return outbox.append(tx, kind, VisioVisibility.of(a), data).mapEmpty();
  }

  /** A service or a point changed or was withdrawn: every node recomputes its slots. */
  Future<Void> catalogueChanged(SqlClient tx) {
    return outbox.append(tx, SlotCache.CALENDAR_CHANGED, Audience.none(), new JsonObject()).mapEmpty();
  }

  /** An agent's ranges, leave or services changed: every node recomputes its slots; the agents' pages reload. */
  Future<Void> calendarChanged(SqlClient tx, UUID agentId, UUID organisationId) {
    return outbox.append(tx, SlotCache.CALENDAR_CHANGED, VisioVisibility.administration(organisationId),
        new JsonObject().put("agentId", agentId.toString())).mapEmpty();
  }
}
