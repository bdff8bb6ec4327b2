package fr.cantou.realtime;

import fr.cantou.identity.AccountEvents;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.util.UUID;

/** Identity's events, written into the outbox for every node to hear. */
public final class AccountEventsOutbox implements AccountEvents {
  private final EventOutbox outbox;

  public AccountEventsOutbox(EventOutbox outbox) {
    this.outbox = outbox;
  }

  @Override
  public Future<Void> deactivated(SqlClient tx, UUID userId) {
    return outbox.append(tx, DEACTIVATED, Audience.none(), new JsonObject().put("userId", userId.toString())).mapEmpty();
  }

  @Override
  public Future<Void> sessionEnded(SqlClient tx, UUID sessionId) {
    return outbox.append(tx, SESSION_ENDED, Audience.none(), new JsonObject().put("sessionId", sessionId.toString())).mapEmpty();
  }
}
