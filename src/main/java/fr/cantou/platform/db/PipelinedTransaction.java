package fr.cantou.platform.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.TransactionRollbackException;

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
    return pool.getConnection().compose(connection -> {
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
