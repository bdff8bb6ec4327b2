package fr.cantou.realtime;

import fr.cantou.support.CareTerritory;
import fr.cantou.support.TestNode;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
      try (DeafPeer leaver = DeafPeer.hello(node.port(), care.token(leaverId));
           WsClient colleague = WsClient.hello(node.port(), care.nurse, null)) {
        assertThat(node.api.post("/api/users/" + leaverId + "/deactivate", node.adminToken(), null).status()).isEqualTo(200);
        assertThat(leaver.nextFrame().opcode()).as("the node's close frame").isEqualTo(DeafPeer.CLOSE);

        // Her care home's next request, while her connection waits for an answer to the close that never comes.
        String id = care.create(request("geriatrie", "normal")).getString("id");
        assertThat(colleague.nextEvent("teleconsultation.queued").getJsonObject("data").getString("id")).isEqualTo(id);

        // Everything the node sent her until it gave up on the connection (its closing timeout ends it).
        assertThat(leaver.framesUntilTheNodeHangsUp()).as("frames after the close frame").isEmpty();
      }
    }
  }

  /** A WebSocket peer on a bare TCP socket that reads frames and never answers a close frame. */
  private static final class DeafPeer implements AutoCloseable {
    static final int TEXT = 1;
    static final int CLOSE = 8;

    record Frame(int opcode, String text) {}

    private final Socket socket;
    private final DataInputStream in;

    private DeafPeer(Socket socket) throws IOException {
      this.socket = socket;
      this.in = new DataInputStream(socket.getInputStream());
    }

    static DeafPeer hello(int port, String token) throws IOException {
      Socket socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: cantou\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      DeafPeer peer = new DeafPeer(socket);
      assertThat(peer.headLine()).contains("101");
      while (!peer.headLine().isEmpty()) {
        // the rest of the upgrade's head
      }
      peer.sendText(new JsonObject().put("type", "hello").put("token", token).encode());
      Frame frame;
      do {
        frame = peer.nextFrame();
      } while (!(frame.opcode() == TEXT && "snapshot".equals(new JsonObject(frame.text()).getString("type"))));
      return peer;
    }

    private String headLine() throws IOException {
      StringBuilder line = new StringBuilder();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b < 0) {
          throw new EOFException("the upgrade's head ended early");
        }
        if (b != '\r') {
          line.append((char) b);
        }
      }
      return line.toString();
    }

    /** A client's frames are masked (RFC 6455, 5.3). */
    private void sendText(String text) throws IOException {
      byte[] payload = text.getBytes(StandardCharsets.UTF_8);
      byte[] mask = {0x11, 0x22, 0x33, 0x44};
      OutputStream out = socket.getOutputStream();
      out.write(0x80 | TEXT);
      if (payload.length < 126) {
        out.write(0x80 | payload.length);
      } else {
        out.write(0x80 | 126);
        out.write(payload.length >> 8);
        out.write(payload.length & 0xff);
      }
      out.write(mask);
      for (int i = 0; i < payload.length; i++) {
        out.write(payload[i] ^ mask[i % 4]);
      }
      out.flush();
    }

    Frame nextFrame() throws IOException {
      int first = in.readUnsignedByte();
      int length = in.readUnsignedByte() & 0x7f;
      long size = length == 126 ? in.readUnsignedShort() : length == 127 ? in.readLong() : length;
      byte[] payload = new byte[Math.toIntExact(size)];
      in.readFully(payload);
      return new Frame(first & 0x0f, new String(payload, StandardCharsets.UTF_8));
    }

    /** The frames that came until the node closed the connection. */
    List<Frame> framesUntilTheNodeHangsUp() throws IOException {
      List<Frame> frames = new ArrayList<>();
      while (true) {
        try {
          frames.add(nextFrame());
        } catch (EOFException | java.net.SocketException hungUp) {
          return frames;
        }
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
