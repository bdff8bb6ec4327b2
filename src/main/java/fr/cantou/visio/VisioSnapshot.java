package fr.cantou.visio;

import fr.cantou.identity.Role;
import fr.cantou.platform.json.Json;
import fr.cantou.realtime.SnapshotSource;
import fr.cantou.realtime.Viewer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Visio's part of the WebSocket snapshot: the agent's day, the mediator's bookings, the citizen's appointment; for a
 * point's screen, the appointments it checked in today, as its GET shows them ("kioskAppointments").
 */
public final class VisioSnapshot implements SnapshotSource {
  private final AppointmentService appointments;
  private final KioskService kiosks;

  VisioSnapshot(AppointmentService appointments, KioskService kiosks) {
    this.appointments = appointments;
    this.kiosks = kiosks;
  }

  @Override
  public Future<JsonObject> snapshot(Viewer viewer) {
    if (viewer.device() != null) {
      return kiosks.watched(viewer.device()).map(list -> new JsonObject().put("kioskAppointments",
          new JsonArray(list.stream().map(a -> new JsonObject(Json.encode(a))).toList())));
    }
    Future<List<Appointment>> seen;
    if (viewer.appointmentId() != null) {
      seen = appointments.appointment(viewer.appointmentId()).map(List::of);
    } else if (viewer.principal().is(Role.AGENT) || viewer.principal().is(Role.MEDIATOR)) {
      seen = appointments.list(viewer.principal(), null);
    } else {
      return Future.succeededFuture(new JsonObject());
    }
    return seen.map(list -> new JsonObject().put("appointments",
        new JsonArray(list.stream().map(a -> new JsonObject(Json.encode(a))).toList())));
  }
}
