package fr.cantou.identity;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

import java.util.UUID;

/**
 * How an account's change reaches every node: written inside the transaction that makes it.
 * Identity knows no outbox (it sits below realtime); realtime's {@code AccountEventsOutbox}
 * implements this, and CantouNode hands it over.
 */
public interface AccountEvents {
  /** {"userId"}, pushed to nobody: every node closes that user's sockets, visio drops her calendars from its slots. */
  String DEACTIVATED = "user.deactivated";

  Future<Void> deactivated(SqlClient tx, UUID userId);

  /** {"sessionId"}, pushed to nobody: every node closes the sockets that session's access tokens opened. */
  String SESSION_ENDED = "user.session_ended";

  Future<Void> sessionEnded(SqlClient tx, UUID sessionId);
}
