package fr.cantou.teleconsult;

import fr.cantou.platform.Ids;
import fr.cantou.platform.http.ApiException;
import fr.cantou.realtime.ClientMessageHandler;
import fr.cantou.realtime.Viewer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/** {"type":"call","teleconsultationId":"…","event":"joined"|"left"}: what the page saw Jitsi do. */
public final class CallMessages implements ClientMessageHandler {
  private final CallService calls;

  public CallMessages(CallService calls) {
    this.calls = calls;
  }

  @Override
  public String type() {
    return "call";
  }

  @Override
  public Future<Void> handle(Viewer viewer, JsonObject message) {
    if (viewer.principal() == null) {
      return Future.failedFuture(ApiException.forbidden("Only the participants of a teleconsultation report its call."));
    }
    Object id = message.getValue("teleconsultationId");
    Object event = message.getValue("event");
    if (!(event instanceof String e) || !(e.equals("joined") || e.equals("left"))) {
      return Future.failedFuture(ApiException.badRequest("'event' must be \"joined\" or \"left\"."));
    }
    UUID teleconsultation;
    try {
      teleconsultation = Ids.field(String.valueOf(id), "teleconsultationId");
    } catch (ApiException refused) {
      return Future.failedFuture(refused);
    }
    return calls.callEvent(viewer.principal(), teleconsultation, "joined".equals(event));
  }
}
