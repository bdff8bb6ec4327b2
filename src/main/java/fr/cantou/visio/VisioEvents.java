package fr.cantou.visio;

import fr.cantou.platform.Json;
import fr.cantou.realtime.Audience;
import fr.cantou.realtime.EventOutbox;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.util.UUID;

/** An appointment's events reach its administration, the mediator who booked it and its citizen. */
final class VisioEvents {
  private final EventOutbox outbox;

  VisioEvents(EventOutbox outbox) {
    this.outbox = outbox;
  }

  Future<Void> publish(SqlClient tx, String kind, Appointment a) {
    Audience audience = Audience.organisation(UUID.fromString(a.organisationId()))
        .andUser(a.bookedBy() == null ? null : UUID.fromString(a.bookedBy().id()))
        .andAppointment(UUID.fromString(a.id()));
    return outbox.append(tx, kind, audience, new JsonObject(Json.encode(a))).mapEmpty();
  }
}
