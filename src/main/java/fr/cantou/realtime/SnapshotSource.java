package fr.cantou.realtime;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * A feature's part of the snapshot a WebSocket client receives after hello: the fields it
 * adds to {"type":"snapshot",...} for this viewer (e.g. "teleconsultations": [...]).
 * An empty object when the feature has nothing for this viewer.
 */
public interface SnapshotSource {
  Future<JsonObject> snapshot(Viewer viewer);
}
