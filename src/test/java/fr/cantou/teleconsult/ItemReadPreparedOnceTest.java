package fr.cantou.teleconsult;

import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.support.PreparedPlans;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The read of one teleconsultation (every create, claim and change runs it in its transaction)
 * is longer than the 2,048 characters the PG client keeps prepared by default: it stays prepared
 * on its connection and ends on one plan, instead of being parsed and planned at every call; a
 * statement built per request (the audit trail's pages) is not kept.
 */
class ItemReadPreparedOnceTest {
  private static final int CALLS = 12;

  private TestNode node;
  private SqlConnection connection;

  @BeforeEach
  void start() {
    node = TestNode.start(TestDatabase.fresh(), Map.of(), Clock.systemUTC());
    connection = TestNode.await(node.node().platform().pool().getConnection());
  }

  @AfterEach
  void stop() {
    TestNode.await(connection.close());
    node.close();
  }

  @Test
  void the_read_of_an_item_is_prepared_once_and_planned_once_on_its_connection() {
    TeleconsultStore store = new TeleconsultStore();
    for (int i = 0; i < CALLS; i++) {
      assertThat(TestNode.await(store.find(connection, UUID.randomUUID(), Instant.parse("2027-03-01T09:00:00Z")))).isEmpty();
    }
    Optional<PreparedPlans.Plans> plans = PreparedPlans.of(connection, "AS handling_minutes");
    assertThat(plans).as("the item's read kept prepared on the connection").isPresent();
    assertThat(plans.get().calls()).as("its calls").isEqualTo(CALLS);
    assertThat(plans.get().generic()).as("calls run on the generic plan").isGreaterThan(0);
  }

  @Test
  void a_statement_built_per_request_is_not_kept_prepared() {
    for (int i = 0; i < 3; i++) {
      TestNode.await(connection.preparedQuery(DatabaseEndpoint.builtPerRequest("SELECT $1::int AS built_for_one_request"))
          .execute(Tuple.of(i)));
    }
    assertThat(PreparedPlans.of(connection, "built_for_one_request")).isEmpty();
  }
}
