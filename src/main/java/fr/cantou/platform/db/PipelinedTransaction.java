package fr.cantou.platform.db;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.TransactionRollbackException;

import java.time.Duration;
import java.util.function.Function;

/**
 * A transaction whose BEGIN travels with its first statements: {@code Pool.withTransaction} waits
 * for BEGIN's answer before it runs the work, one round trip (and one wait for a busy event loop)
 * more per write. The client sends commands in the order they are issued on one connection, so
 * statements issued before BEGIN's answer still run inside the transaction (BEGIN fails only
 * with its connection, and they with it). Commits when the work succeeds, rolls back when it
 * fails, as withTransaction.
 *
 * <p>The work's future must depend on every statement it sends: COMMIT after a failed statement
 * is answered ROLLBACK, which the client reports as a successful commit.
 */
public final class PipelinedTransaction {
  private PipelinedTransaction() {}

  public static <T> Future<T> run(Pool pool, Function<SqlConnection, Future<T>> work) {
    return on(pool.getConnection(), work);
  }

  /**
   * The same, on a connection of {@code pool} that comes within {@code within}, or the work does not run and the
   * transaction fails: for a write that every later one waits for. Vert.x 5.0.10's pool can leave a connection asked for
   * unanswered for ever: when its own wait (PoolOptions' connection timeout) fires just as a connection it opened for that
   * very request is handed over on another thread, neither answers — the pool's cancel finds the request served and says
   * no timeout, and the hand-over, finding the timer no longer cancellable, puts the connection back unanswered
   * (SqlConnectionPool.acquire; SimpleConnectionPool's ConnectSuccess marks the request served before it hands over).
   */
  public static <T> Future<T> run(Vertx vertx, Pool pool, Duration within, Function<SqlConnection, Future<T>> work) {
    return on(connectionWithin(vertx, pool, within), work);
  }

  /** A connection of {@code pool} within {@code within}; one handed over later is put back unused. */
  static Future<SqlConnection> connectionWithin(Vertx vertx, Pool pool, Duration within) {
    Promise<SqlConnection> answer = Promise.promise();
    long timer = vertx.setTimer(within.toMillis(), id -> answer.tryFail(new NoConnectionException(
        "no connection of the pool within " + within.toMillis() + " ms")));
    pool.getConnection().onComplete(asked -> {
      vertx.cancelTimer(timer);
      boolean answered = asked.succeeded() ? answer.tryComplete(asked.result()) : answer.tryFail(asked.cause());
      if (!answered && asked.succeeded()) {
        asked.result().close();
      }
    });
    return answer.future();
  }

  /** No connection came within the time a write allowed for one. */
  public static final class NoConnectionException extends io.vertx.core.VertxException {
    NoConnectionException(String message) {
      super(message, true);
    }
  }

  private static <T> Future<T> on(Future<SqlConnection> acquired, Function<SqlConnection, Future<T>> work) {
    return acquired.compose(connection -> {
      Future<Transaction> begun = connection.begin();
      Transaction tx = connection.transaction();
      Future<T> done;
      try {
        done = work.apply(connection);
      } catch (Throwable e) {
        // An Error too: BEGIN is sent, and a connection left in its transaction would hold every node's events back.
        done = Future.failedFuture(e);
      }
      Future<T> worked = done;
      return begun.recover(failedBegin -> {
            worked.onFailure(failedBegin::addSuppressed);
            return Future.failedFuture(failedBegin);
          })
          .compose(b -> worked)
          .compose(result -> tx.commit().map(result), failure -> failure instanceof TransactionRollbackException
              ? Future.failedFuture(failure)
              : tx.rollback().transform(ignored -> Future.<T>failedFuture(failure)))
          .onComplete(ignored -> connection.close());
    });
  }
}
