package fr.cantou.realtime;

import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.support.CareTerritory;
import fr.cantou.support.HoldingProxy;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What closes sockets, heard while a socket's hello is still being checked, closes that socket
 * too once its viewer is known: the database may have read her account a moment before the
 * change committed. Here the database's answer to the hello's read of the account is held back
 * (a proxy between the node and PostgreSQL) while the account is deactivated and the node hears
 * it; then the answer, "active", arrives.
 */
class HeardWhileGreetingTest {
  @Test
  void an_account_deactivated_while_its_hello_is_checked_gets_no_welcome_and_is_closed() throws Exception {
    DatabaseEndpoint database = TestDatabase.fresh();
    try (HoldingProxy proxy = new HoldingProxy(database);
         // One event loop: the sockets below are on the loop that hears the deactivation, in order.
         TestNode node = TestNode.start(proxy.endpoint(database), Map.of("CANTOU_HTTP_EVENT_LOOPS", "1"),
             Clock.systemUTC())) {
      CareTerritory care = new CareTerritory(node);
      String name = "Odile Vermenouze-Attente";
      String leaverId = care.user("attente@murat.test", "nurse", name, care.ehpadId, null);
      String token = care.token(leaverId);
      try (WsClient witness = WsClient.hello(node.port(), token, null);
           WsClient greeting = WsClient.connect(node.port())) {
        proxy.holdNextAnswerWith(name);
        greeting.send(new JsonObject().put("type", "hello").put("token", token));
        proxy.awaitHolding();

        assertThat(node.api.post("/api/users/" + leaverId + "/deactivate", node.adminToken(), null).status()).isEqualTo(200);
        // Her greeted socket closes: the loop has heard the deactivation while the other's hello waits.
        assertThat(witness.awaitClose()).isEqualTo(4401);
        proxy.release();

        assertThat(greeting.awaitClose()).as("the socket greeted with an account read before its deactivation")
            .isEqualTo(4401);
        List<JsonObject> received = greeting.drain(Duration.ZERO);
        assertThat(received).extracting(m -> m.getString("type")).doesNotContain("welcome", "snapshot", "event");
      }
    }
  }
}
