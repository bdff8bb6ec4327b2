package fr.cantou.teleconsult;

import fr.cantou.identity.Role;
import fr.cantou.realtime.SnapshotSource;
import fr.cantou.realtime.Viewer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The care side's part of the WebSocket snapshot: the items it may see and doctors' presence. */
public final class TeleconsultSnapshot implements SnapshotSource {
  private final TeleconsultService service;
  private final PresenceService presence;

  public TeleconsultSnapshot(TeleconsultService service, PresenceService presence) {
    this.service = service;
    this.presence = presence;
  }

  @Override
  public Future<JsonObject> snapshot(Viewer viewer) {
    if (viewer.principal() == null || !(viewer.principal().is(Role.NURSE) || viewer.principal().is(Role.DOCTOR))) {
      return Future.succeededFuture(new JsonObject());
    }
    Future<JsonObject> doctors = viewer.admits(TeleconsultVisibility.presence())
        ? presence.all().map(all -> new JsonObject().put("presence", new JsonArray(all.stream().map(TeleconsultEvents::data).toList())))
        : Future.succeededFuture(new JsonObject());
    return service.list(viewer.principal(), null).compose(items -> doctors.map(part -> part.copy()
        .put("teleconsultations", new JsonArray(items.stream().map(TeleconsultEvents::data).toList()))));
  }
}
