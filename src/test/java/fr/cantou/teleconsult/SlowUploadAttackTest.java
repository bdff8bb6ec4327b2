package fr.cantou.teleconsult;

import fr.cantou.support.Api;
import fr.cantou.support.CareNodeTest;
import fr.cantou.support.CareTerritory;
import fr.cantou.support.Eventually;
import fr.cantou.support.RawHttp;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outside review r22 of 72e0972 (BodyPace): what a sender can still do to a node's upload places, and what a client the
 * node never invited to send is told. Grace 2 s, floor 1,000 B/s, idle timeout 30 s; 2 uploads a user, 2 + 1 on the node.
 */
class SlowUploadAttackTest extends CareNodeTest {
  private static final byte[] PNG = CareFiles.encode(CareFiles.picture(8, 8), "png");

  @BeforeEach
  @Override
  protected void startNode() {
    node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_TELECONSULT_FILE_UPLOADS_PER_USER", "2",
        "CANTOU_TELECONSULT_FILE_UPLOADS_WAITING", "1", "CANTOU_HTTP_BODY_GRACE_SECONDS", "2",
        "CANTOU_HTTP_BODY_MIN_BYTES_PER_SECOND", "1000"), clock);
    care = new CareTerritory(node);
  }

  /**
   * A client that says {@code Expect: 100-continue} (curl past 1 MiB, .NET, Java's HttpClient with expectContinue)
   * waits for the node's "100 Continue" before it sends the body. The streamed route never sends it (the BodyHandler
   * does, RequestBodies bypasses it; Vert.x's handle100ContinueAutomatically is off): the grace runs out on a body the
   * node never asked for, and the client is told 408 "too slow" — the nurse's script, or tool, sends again for ever.
   */
  @Test
  void a_client_expecting_100_continue_is_invited_to_send_its_file_not_cut_for_slowness() throws Exception {
    JsonObject item = care.create(request("geriatrie", "normal"));
    try (Socket socket = new Socket("127.0.0.1", node.port())) {
      socket.getOutputStream().write((head(item, care.nurse, PNG.length).replace("\r\n\r\n",
          "\r\nExpect: 100-continue\r\n\r\n")).getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      socket.setSoTimeout(15_000);
      String first = RawHttp.head(socket.getInputStream());
      assertThat(first).as("what the node says to a client waiting to be invited").startsWith("HTTP/1.1 100");
      socket.getOutputStream().write(PNG);
      socket.getOutputStream().flush();
      assertThat(RawHttp.answer(socket.getInputStream())).startsWith("HTTP/1.1 201");
    }
  }

  /**
   * After its 408 (Connection: close), a sender that goes on dripping keeps no connection: the lingering close reads
   * and drops the rest for 2 s at most, then closes.
   */
  @Test
  void after_its_408_a_dripping_sender_loses_its_connection_within_the_linger() throws Exception {
    JsonObject item = care.create(request("geriatrie", "normal"));
    try (Socket socket = new Socket("127.0.0.1", node.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(head(item, care.nurse, 5_000_000).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      AtomicBoolean dripping = new AtomicBoolean(true);
      Thread drip = new Thread(() -> {
        try {
          while (dripping.get()) {
            out.write(0x42);
            out.flush();
            Thread.sleep(100);
          }
        } catch (IOException | InterruptedException e) {
          // cut
        }
      });
      drip.setDaemon(true);
      drip.start();
      socket.setSoTimeout(15_000);
      InputStream in = socket.getInputStream();
      assertThat(RawHttp.answer(in)).startsWith("HTTP/1.1 408").containsIgnoringCase("connection: close");
      long answered = System.nanoTime();
      socket.setSoTimeout(8_000);
      try {
        assertThat(in.read()).as("nothing after the 408 but the close").isEqualTo(-1);
      } catch (SocketTimeoutException e) {
        throw new AssertionError("the connection still open 8 s after its 408, its sender dripping", e);
      } catch (IOException reset) {
        // Closed with unread bytes: a reset is a close too.
      }
      assertThat((System.nanoTime() - answered) / 1_000_000).as("ms from the 408 to the close").isLessThan(5_000);
      dripping.set(false);
    }
  }

  /**
   * Her own two places (per user) come back with the 408s: her next photo goes, not 429. Each drip first sends 8 kB
   * (8 s banked past the grace), so that her places are seen taken before the cuts, however slow the machine.
   */
  @Test
  void her_two_drips_cut_with_408_give_her_own_places_back() throws Exception {
    JsonObject item = care.create(request("geriatrie", "normal"));
    java.util.Set<java.nio.file.Path> before = CareFilesTest.temporaryUploads();
    List<Socket> drips = new ArrayList<>();
    AtomicBoolean dripping = new AtomicBoolean(true);
    try {
      for (int i = 0; i < 2; i++) {
        Socket socket = new Socket("127.0.0.1", node.port());
        socket.getOutputStream().write(head(item, care.nurse, 5_000_000).getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(new byte[8_000]);
        socket.getOutputStream().flush();
        drips.add(socket);
      }
      Eventually.until("both drips are being received", () -> CareFilesTest.temporaryUploads().size() == before.size() + 2);
      Thread drip = new Thread(() -> {
        while (dripping.get()) {
          for (Socket socket : drips) {
            try {
              socket.getOutputStream().write(0x42);
              socket.getOutputStream().flush();
            } catch (IOException cut) {
              // cut
            }
          }
          try {
            Thread.sleep(200);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      drip.setDaemon(true);
      drip.start();
      Api.Response refused = upload(item, care.nurse, "genou.png");
      assertThat(refused.status()).as("her places are the drips': " + refused).isEqualTo(429);
      for (Socket socket : drips) {
        socket.setSoTimeout(30_000);
        assertThat(RawHttp.answer(socket.getInputStream())).startsWith("HTTP/1.1 408");
      }
      Api.Response mine = upload(item, care.nurse, "genou.png");
      assertThat(mine.status()).as(mine.toString()).isEqualTo(201);
    } finally {
      dripping.set(false);
      for (Socket socket : drips) {
        socket.close();
      }
    }
  }

  /**
   * The slack a fast start banks: 8,000 bytes sent at once earn 8 s over the 2 s grace, then a byte every 1.5 s (never
   * idle) holds the upload's places until then, not past it. The documented bound (grace + fileMaxBytes / floor: 30 s +
   * 10 MiB / 1,000 B/s = 2 h 55 min) is this rule at scale.
   */
  @Test
  void a_sender_that_banked_slack_holds_its_place_until_grace_plus_what_it_sent_at_the_floor_and_no_longer()
      throws Exception {
    JsonObject item = care.create(request("geriatrie", "normal"));
    Set<Path> before = CareFilesTest.temporaryUploads();
    try (Socket socket = new Socket("127.0.0.1", node.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(head(item, care.nurse, 5_000_000).getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[8_000]);
      out.flush();
      long sent = System.nanoTime();
      Eventually.until("its body is being received", () -> CareFilesTest.temporaryUploads().size() == before.size() + 1);
      AtomicBoolean dripping = new AtomicBoolean(true);
      Thread drip = new Thread(() -> {
        try {
          while (dripping.get()) {
            Thread.sleep(1_500);
            out.write(0x42);
            out.flush();
          }
        } catch (IOException | InterruptedException e) {
          // cut
        }
      });
      drip.setDaemon(true);
      drip.start();
      socket.setSoTimeout(30_000);
      String answer = RawHttp.answer(socket.getInputStream());
      long heldMs = (System.nanoTime() - sent) / 1_000_000;
      dripping.set(false);
      assertThat(answer).startsWith("HTTP/1.1 408");
      assertThat(heldMs).as("held: 2 s + 8,000 B / 1,000 B/s (+ a few drip bytes)").isBetween(9_000L, 14_000L);
    }
  }



  /**
   * The route is found on the normalized path, the pace's operation on the raw one (RequestBodies): a path the two
   * read differently must still be streamed at the pace (or refused), never a 500.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"/api/teleconsultations/ID/./files",
      "/api/teleconsultations/x/../ID/files", "/api/teleconsultations/ID/%66iles", "/api//teleconsultations/ID/files"})
  void an_upload_on_a_path_spelled_otherwise_is_never_a_500(String path) throws Exception {
    JsonObject item = care.create(request("geriatrie", "normal"));
    try (Socket socket = new Socket("127.0.0.1", node.port())) {
      socket.getOutputStream().write(head(item, care.nurse, PNG.length).replace(
          "/api/teleconsultations/" + item.getString("id") + "/files", path.replace("ID", item.getString("id")))
          .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(PNG);
      socket.getOutputStream().flush();
      socket.setSoTimeout(15_000);
      String answer = RawHttp.answer(socket.getInputStream());
      assertThat(answer).doesNotStartWith("HTTP/1.1 500");
    }
  }

  private Api.Response upload(JsonObject item, String token, String name) {
    return node.api.overHttp1().sendBytes("POST", "/api/teleconsultations/" + item.getString("id") + "/files", token, PNG,
        Map.of("Content-Type", "application/octet-stream", "X-File-Name", name, "Accept-Language", "fr"));
  }

  private static String head(JsonObject item, String token, long length) {
    return "POST /api/teleconsultations/" + item.getString("id") + "/files HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Authorization: Bearer " + token + "\r\nContent-Type: application/octet-stream\r\nX-File-Name: photo.png\r\n"
        + "Accept-Language: fr\r\nContent-Length: " + length + "\r\n\r\n";
  }
}
