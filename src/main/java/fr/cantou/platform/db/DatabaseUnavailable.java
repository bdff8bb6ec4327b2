package fr.cantou.platform.db;

import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

import java.io.IOException;
import java.util.Set;

/**
 * Says whether a failure means "the database cannot be reached or is saturated right now":
 * the client should try again in a moment (503), nothing is wrong with its request.
 */
public final class DatabaseUnavailable {
  /**
   * admin_shutdown, crash_shutdown, cannot_connect_now (starting up, shutting down, in
   * recovery), too_many_connections (max_connections or a role's or database's limit reached),
   * object_not_in_prerequisite_state (what a database with ALLOW_CONNECTIONS false answers to a
   * new connection; Cantou's own statements never raise it), and the connection exception class.
   */
  private static final Set<String> STATES = Set.of("57P01", "57P02", "57P03", "53300", "55000",
      "08000", "08001", "08003", "08004", "08006");

  private DatabaseUnavailable() {}

  public static boolean is(Throwable failure) {
    for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
      // Any I/O failure: a request's only network peer is the database, and a server going away
      // in the middle of a query shows as "Connection reset" (SocketException or plain IOException).
      if (e instanceof IOException || e instanceof ClosedConnectionException
          || e instanceof ConnectionPoolTooBusyException
          || e instanceof PgException pg && STATES.contains(pg.getSqlState())
          || e instanceof VertxException && String.valueOf(e.getMessage()).startsWith("Timeout waiting for connection")) {
        return true;
      }
    }
    return false;
  }
}
