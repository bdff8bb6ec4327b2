package fr.cantou.platform;

import fr.cantou.platform.db.PipelinedTransaction;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A transaction whose statements are sent behind its BEGIN, before BEGIN's answer: they are
 * inside the transaction all the same, committed with the work's success and rolled back with
 * its failure, and the connection goes back to the pool either way.
 */
class PipelinedTransactionTest {
  private Vertx vertx;
  private Pool pool;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    // One connection: a run that kept it would leave the next one waiting for ever.
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(TestDatabase.fresh().connectOptions())
        .using(vertx).build();
    TestNode.await(pool.query("CREATE TABLE note (n int PRIMARY KEY)").execute());
  }

  @AfterEach
  void stop() {
    TestNode.await(pool.close());
    TestNode.await(vertx.close());
  }

  @Test
  void what_the_work_wrote_is_committed_when_it_succeeds() {
    int written = TestNode.await(PipelinedTransaction.run(pool, tx -> tx.preparedQuery("INSERT INTO note VALUES ($1)")
        .execute(Tuple.of(1)).map(rows -> rows.rowCount())));

    assertThat(written).isEqualTo(1);
    assertThat(notes()).isEqualTo(1);
  }

  @Test
  void statements_sent_before_the_answer_to_begin_are_rolled_back_when_the_work_fails() {
    Future<?>[] insert = new Future<?>[1];
    Future<Object> run = PipelinedTransaction.run(pool, tx -> {
      insert[0] = tx.preparedQuery("INSERT INTO note VALUES ($1)").execute(Tuple.of(1));
      return insert[0].compose(rows -> Future.failedFuture(new IllegalStateException("the work changed its mind")));
    });

    assertThatThrownBy(() -> TestNode.await(run)).hasMessageContaining("the work changed its mind");
    assertThat(insert[0].succeeded()).as("the insert ran").isTrue();
    assertThat(notes()).as("and was rolled back with the transaction").isZero();
  }

  @Test
  void a_refused_statement_fails_the_run_and_nothing_of_it_stays() {
    Future<Void> run = PipelinedTransaction.run(pool, tx -> {
      Future<?> first = tx.preparedQuery("INSERT INTO note VALUES ($1)").execute(Tuple.of(1));
      Future<?> again = tx.preparedQuery("INSERT INTO note VALUES ($1)").execute(Tuple.of(1));
      return Future.all(first, again).mapEmpty();
    });

    assertThatThrownBy(() -> TestNode.await(run)).hasMessageContaining("note_pkey");
    assertThat(notes()).isZero();
  }

  @Test
  void a_work_that_throws_rolls_back_and_gives_the_connection_back() {
    Future<Void> run = PipelinedTransaction.run(pool, tx -> {
      tx.preparedQuery("INSERT INTO note VALUES ($1)").execute(Tuple.of(1));
      throw new IllegalArgumentException("a bug in the work");
    });

    assertThatThrownBy(() -> TestNode.await(run)).hasMessageContaining("a bug in the work");
    assertThat(notes()).as("read on the pool's one connection: it was given back").isZero();
  }

  @Test
  void a_work_that_throws_an_error_rolls_back_and_gives_the_connection_back_too() {
    Future<Void> run = PipelinedTransaction.run(pool, tx -> {
      tx.preparedQuery("INSERT INTO note VALUES ($1)").execute(Tuple.of(1));
      throw new AssertionError("an assertion in the work");
    });

    assertThatThrownBy(() -> TestNode.await(run)).hasMessageContaining("an assertion in the work");
    assertThat(notes()).as("read on the pool's one connection: it was given back").isZero();
  }

  private long notes() {
    return TestNode.await(pool.query("SELECT count(*) FROM note").execute()).iterator().next().getLong(0);
  }
}
