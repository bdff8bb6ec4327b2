package fr.cantou.teleconsult;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import fr.cantou.support.Api;
import fr.cantou.support.CareNodeTest;
import fr.cantou.support.CareTerritory;
import fr.cantou.support.Eventually;
import fr.cantou.support.LogLines;
import fr.cantou.support.RawHttp;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.io.InputStream;
import java.net.SocketTimeoutException;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A photo's body must come at the node's pace (http.bodyGraceSeconds, http.bodyMinBytesPerSecond): the idle timeout
 * alone never ends a sender that drips a byte before each of its ends, and a handful of such drips held every upload
 * place of a node for ever (review r21: 9 accounts or stolen tokens shut out every nurse's photos). Here: a grace of
 * 2 s, a floor of 1,000 B/s, the idle timeout left at 30 s (so only the pace can cut), 2 uploads a user and 2 + 1 on
 * the node. The tests after the first three come from the outside review r22's attacks (all held but the
 * 100-continue one, fixed since).
 */
class SlowUploadTest extends CareNodeTest {
  private static final byte[] PNG = CareFiles.encode(CareFiles.picture(8, 8), "png");
  private final ListAppender<ILoggingEvent> access = new ListAppender<>();

  @BeforeEach
  @Override
  protected void startNode() {
    node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_TELECONSULT_FILE_UPLOADS_PER_USER", "2",
        "CANTOU_TELECONSULT_FILE_UPLOADS_WAITING", "1", "CANTOU_HTTP_BODY_GRACE_SECONDS", "2",
        "CANTOU_HTTP_BODY_MIN_BYTES_PER_SECOND", "1000"), clock);
    care = new CareTerritory(node);
    access.start();
    accessLog().addAppender(access);
  }

  @AfterEach
  void detach() {
    accessLog().detachAppender(access);
  }

  /**
   * Three bodies (two accounts) dripping a byte each 300 ms take the node's three places: another care home's nurse is
   * refused (503). At their deadlines each drip is answered 408, saying why in French, and its connection closed; the
   * places come back and her photo goes.
   */
  @Test
  void bodies_dripping_below_the_floor_are_cut_with_408_and_give_the_nodes_places_back() throws Exception {
    JsonObject item = care.create(request("geriatrie", "normal"));
    String colleague = care.token(care.user("marie.vidal@murat.test", "nurse", "Marie Vidal", care.ehpadId, null));
    JsonObject elsewhere = node.api.post("/api/teleconsultations", care.otherNurse, request("geriatrie", "normal")).json();
    Set<Path> before = CareFilesTest.temporaryUploads();
    List<Socket> drips = new ArrayList<>();
    AtomicBoolean dripping = new AtomicBoolean(true);
    try {
      for (String token : List.of(care.nurse, care.nurse, colleague)) {
        Socket socket = new Socket("127.0.0.1", node.port());
        socket.getOutputStream().write(head(item, token, 5_000_000).getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        drips.add(socket);
      }
      Thread dripper = new Thread(() -> drip(drips, dripping));
      dripper.setDaemon(true);
      dripper.start();
      Eventually.until("the three drips are being received",
          () -> CareFilesTest.temporaryUploads().size() == before.size() + 3);
      Api.Response refused = upload(elsewhere, care.otherNurse, "genou.png");
      assertThat(refused.status()).as("the node's places are the drips': " + refused).isEqualTo(503);

      for (Socket socket : drips) {
        socket.setSoTimeout(30_000);
        String answer = RawHttp.answer(socket.getInputStream());
        assertThat(answer).startsWith("HTTP/1.1 408").containsIgnoringCase("connection: close")
            .containsIgnoringCase("content-type: application/problem+json")
            .contains("L’envoi arrivait trop lentement et a été interrompu : vérifiez la connexion, puis recommencez.");
      }
      Eventually.until("another care home's nurse's photo goes",
          () -> upload(elsewhere, care.otherNurse, "genou.png").status() == 201);
    } finally {
      dripping.set(false);
      for (Socket socket : drips) {
        socket.close();
      }
    }
    Eventually.until("no temporary file is left", () -> CareFilesTest.temporaryUploads().equals(before));
    assertThat(CareFiles.held(node, item)[0]).as("nothing of the drips stored").isEqualTo(0);
    Eventually.until("the three cut uploads are logged 408", () -> LogLines.messages(access).stream()
        .filter(line -> line.contains("path=/api/teleconsultations/:id/files status=408")).count() == 3);
  }

  /** A photo on a slow line above the floor (4 kB/s, a 60 kbit/s line's half) is stored, though it takes past the grace. */
  @Test
  void a_photo_above_the_floor_goes_through_however_long_past_the_grace() throws Exception {
    JsonObject item = care.create(request("geriatrie", "normal"));
    byte[] photo = noise(64, 64);
    assertThat(photo.length).as("three times the grace at 4 kB/s").isGreaterThan(12_000);
    try (Socket socket = new Socket("127.0.0.1", node.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(head(item, care.nurse, photo.length).getBytes(StandardCharsets.US_ASCII));
      for (int sent = 0; sent < photo.length; sent += 200) {
        out.write(photo, sent, Math.min(200, photo.length - sent));
        out.flush();
        Thread.sleep(50);
      }
      socket.setSoTimeout(30_000);
      assertThat(RawHttp.answer(socket.getInputStream())).startsWith("HTTP/1.1 201");
    }
    assertThat(CareFiles.held(node, item)[0]).isEqualTo(1);
  }

  /** An upload its nurse's tablet cut mid-body was answered nothing: its access line says so, not the 200 never sent. */
  @Test
  void an_upload_cut_mid_body_is_logged_cut() throws Exception {
    JsonObject item = care.create(request("geriatrie", "normal"));
    Set<Path> before = CareFilesTest.temporaryUploads();
    try (Socket socket = new Socket("127.0.0.1", node.port())) {
      socket.getOutputStream().write(head(item, care.nurse, 100_000).getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(new byte[10_000]);
      socket.getOutputStream().flush();
      Eventually.until("its body is being received", () -> CareFilesTest.temporaryUploads().size() == before.size() + 1);
    }
    Eventually.until("its access line", () -> LogLines.messages(access).stream()
        .anyMatch(line -> line.contains("path=/api/teleconsultations/:id/files ")));
    assertThat(LogLines.messages(access)).filteredOn(line -> line.contains("path=/api/teleconsultations/:id/files "))
        .singleElement().asString().contains("status=cut");
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

  private static void drip(List<Socket> drips, AtomicBoolean dripping) {
    // Each socket on its own: one cut by the node ends only its own drip.
    List<Socket> open = new ArrayList<>(drips);
    while (dripping.get() && !open.isEmpty()) {
      open.removeIf(socket -> {
        try {
          socket.getOutputStream().write(0x42);
          socket.getOutputStream().flush();
          return false;
        } catch (IOException cut) {
          return true;
        }
      });
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static byte[] noise(int width, int height) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(7);
    for (int x = 0; x < width; x++) {
      for (int y = 0; y < height; y++) {
        image.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
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

  private static Logger accessLog() {
    return (Logger) LoggerFactory.getLogger("cantou.access");
  }
}
