package fr.cantou.realtime;

import fr.cantou.support.CareTerritory;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A peer's pings are answered by the node (RFC 6455), outside any budget of messages: a peer that sends them without
 * reading the answers made the node keep every pong until the connection ended — its whole upload, for the 20 s a
 * socket lives without a hello (no account needed), or for as long as a greeted one is not found silent. Pings that come while the
 * connection's buffer is over its mark are left unanswered, as RFC 6455 allows (5.5.3: only the last ping needs a pong).
 */
class PingFloodTest {
  private static final int PINGS = 30_000;
  /** What the buffers hold: the connection's mark (64 KiB), the kernel's small send and receive buffers, a read's worth. */
  private static final int MOST_PONGS = 3_000;

  /**
   * Also for a socket that kept Vert.x's write queue (the direct writer off, or refused by another Vert.x): the guard
   * was put only beside the direct writer, and such a socket answered every ping (found by the review of session 29).
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "direct writes {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
  void pings_sent_without_reading_the_pongs_are_not_all_kept_by_the_node(boolean directWrites) throws Exception {
    // Greeted, and never found silent while the test runs (a socket without hello would be closed after 10 s).
    try (TestNode node = TestNode.start(Map.of("CANTOU_HTTP_SEND_BUFFER_BYTES", "16384", "CANTOU_REALTIME_HEARTBEAT_SECONDS", "300",
        "CANTOU_HTTP_IDLE_TIMEOUT_SECONDS", "600", "CANTOU_REALTIME_DIRECT_WRITES", Boolean.toString(directWrites)))) {
      CareTerritory care = new CareTerritory(node);
      try (RawPeer flooder = RawPeer.hello(node.port(), care.nurse, 8192)) {
        // 3.9 MB of pings, nothing read: each pong the node writes waits in its buffers.
        flooder.sendPings(PINGS);
        // Answered after every pong written before it (its pong, or a 4408 when what waits makes the socket too slow):
        // reading up to that answer counts them all.
        flooder.sendText(new JsonObject().put("type", "ping").encode());
        int pongs = 0;
        RawPeer.Frame frame;
        while ((frame = flooder.nextFrame()).opcode() != RawPeer.TEXT && frame.opcode() != RawPeer.CLOSE) {
          assertThat(frame.opcode()).as("a pong, until the answer to the text (after " + pongs + " pongs)").isEqualTo(RawPeer.PONG);
          pongs++;
        }
        assertThat(pongs).as("pongs the node kept for a peer that read nothing, of " + PINGS + " pings").isLessThan(MOST_PONGS);
      }
    }
  }
}
