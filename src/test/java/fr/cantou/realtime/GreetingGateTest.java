package fr.cantou.realtime;

import fr.cantou.support.Eventually;
import fr.cantou.support.TestNode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The places of the node's greetings: a replay's next batch goes before the hellos that wait, so
 * that a storm of new sockets does not keep a greeted one's replay, and its held-back live events,
 * waiting until it is dropped as too slow.
 */
class GreetingGateTest {
  @Test
  void a_greetings_next_step_goes_before_the_hellos_that_wait_for_a_place() {
    Vertx vertx = Vertx.vertx();
    try {
      Context context = vertx.getOrCreateContext();
      GreetingGate gate = new GreetingGate(1);
      Promise<Void> busy = Promise.promise();
      List<String> order = new CopyOnWriteArrayList<>();
      gate.run(context, busy::future);
      gate.run(context, () -> {
        order.add("a new hello");
        return Future.succeededFuture();
      });
      Future<String> next = gate.callNext(context, () -> {
        order.add("a replay's next batch");
        return Future.succeededFuture("read");
      });
      assertThat(order).as("nothing while the one place is taken").isEmpty();

      busy.complete();
      assertThat(TestNode.await(next)).isEqualTo("read");
      Eventually.until("the hello too", () -> order.size() == 2);
      assertThat(order).containsExactly("a replay's next batch", "a new hello");
    } finally {
      TestNode.await(vertx.close());
    }
  }
}
