package fr.cantou.realtime;

import fr.cantou.support.CareTerritory;
import fr.cantou.support.TestNode;
import fr.cantou.support.WsClient;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A socket the node closes (account deactivated, device revoked, token expired…) is sent nothing
 * after its close frame, even by a peer that never answers that frame: Vert.x keeps such a
 * connection open until its closing timeout (10 s), long enough to carry whole teleconsultations.
 */
class ServerCloseTest {
  @Test
  void a_socket_closed_by_the_node_is_sent_nothing_after_its_close_frame_though_its_peer_never_answers() throws Exception {
    try (TestNode node = TestNode.start(Map.of())) {
      CareTerritory care = new CareTerritory(node);
      String leaverId = care.user("partie@murat.test", "nurse", "Nadia Roux", care.ehpadId, null);
      try (RawPeer leaver = RawPeer.hello(node.port(), care.token(leaverId));
           WsClient colleague = WsClient.hello(node.port(), care.nurse, null)) {
        assertThat(node.api.post("/api/users/" + leaverId + "/deactivate", node.adminToken(), null).status()).isEqualTo(200);
        assertThat(leaver.nextFrame().opcode()).as("the node's close frame").isEqualTo(RawPeer.CLOSE);

        // Her care home's next request, while her connection waits for an answer to the close that never comes.
        String id = care.create(request("geriatrie", "normal")).getString("id");
        assertThat(colleague.nextEvent("teleconsultation.queued").getJsonObject("data").getString("id")).isEqualTo(id);

        // Everything the node sent her until it gave up on the connection (its closing timeout ends it).
        assertThat(leaver.framesUntilTheNodeHangsUp()).as("frames after the close frame").isEmpty();
      }
    }
  }
}
