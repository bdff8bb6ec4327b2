package fr.cantou.support;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A retry sent while the first send is still being written (a page that gave up waiting): the first's writes are made
 * in a transaction held open, the retry is sent, and the transaction commits once the retry waits for it.
 */
public final class SentTwiceAtOnce {
  private SentTwiceAtOnce() {}

  /** The retry's answer: {@code retry} sent while {@code first} (its statements on that connection) is not committed. */
  public static <T> T retryAnswer(TestNode node, Function<SqlConnection, Future<?>> first, Supplier<T> retry) {
    SqlConnection other = TestNode.await(node.node().platform().pool().getConnection());
    try {
      Transaction open = TestNode.await(other.begin());
      TestNode.await(first.apply(other));
      CompletableFuture<T> sent = CompletableFuture.supplyAsync(retry);
      Eventually.until("the retry waits for the first send or is answered", () -> sent.isDone() || waitsOnALock(node));
      TestNode.await(open.commit());
      return sent.join();
    } finally {
      other.close();
    }
  }

  /** A statement of this test's database waits for a lock another transaction holds. */
  public static boolean waitsOnALock(TestNode node) {
    return TestNode.await(node.node().platform().pool().query("SELECT count(*) AS n FROM pg_stat_activity "
        + "WHERE wait_event_type = 'Lock' AND datname = current_database()").execute()).iterator().next().getLong("n") > 0;
  }
}
