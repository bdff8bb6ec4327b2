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
 * statements issued before BEGIN's answer still run inside the transaction; if BEGIN fails, so
 * do they. Commits when the work succeeds, rolls back when it fails, as withTransaction.
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
      } catch (RuntimeException e) {
        done = Future.failedFuture(e);
      }
      Future<T> worked = done;
      return begun.compose(b -> worked)
          .compose(result -> tx.commit().map(result), failure -> failure instanceof TransactionRollbackException
              ? Future.failedFuture(failure)
              : tx.rollback().transform(ignored -> Future.<T>failedFuture(failure)))
          .onComplete(ignored -> connection.close());
    });
  }
}
