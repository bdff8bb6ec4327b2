package fr.cantou.visio;

import fr.cantou.support.Api;
import fr.cantou.support.QrPictures;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Her confirmation shows the QR code of her reference, and of nothing else; a point's screen that
 * cannot read it itself sends camera frames, and a reference read there is checked in exactly as
 * one typed: the same limit, the same single 404 elsewhere. A frame without a code is told so and
 * changes nothing.
 */
class KioskScanTest extends VisioNodeTest {
  private String otherPointId;

  @BeforeEach
  void secondPoint() {
    otherPointId = KioskTest.secondPoint(node, visio);
  }

  @Test
  void the_qr_code_of_her_appointment_is_a_picture_of_her_reference_and_of_nothing_else_while_it_is_to_be_held() {
    JsonObject booked = book("09:00", "Jeanne Vidal");
    String reference = booked.getString("reference");
    String token = booked.getString("manageToken");
    assertThat(booked.containsKey("qrCode")).as("a booking's answer does not carry the picture").isFalse();

    String path = "/api/visio/appointments/" + booked.getString("id");
    Api.Response mine = node.api.send("GET", path + "/qr-code.svg", null, null, Map.of("X-Manage-Token", token));
    assertThat(mine.status()).as(mine.toString()).isEqualTo(200);
    assertThat(mine.contentType()).startsWith("image/svg+xml");
    assertThat(mine.body()).startsWith("<svg").doesNotContain(token);
    assertThat(QrPictures.read(mine.body())).isEqualTo(reference);
    Api.Response mediators = node.api.send("GET", path + "/qr-code.svg", visio.mediator, null, Map.of());
    assertThat(QrPictures.read(mediators.body())).as("the mediator who booked it prints it").isEqualTo(reference);
    assertThat(node.api.send("GET", path + "/qr-code.svg", null, null, Map.of()).status())
        .as("without her link, nobody's").isIn(401, 403);

    Api.Response cancelled = node.api.send("POST", path + "/cancel", null, null, Map.of("X-Manage-Token", token));
    assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
    Api.Response none = node.api.send("GET", path + "/qr-code.svg", null, null, Map.of("X-Manage-Token", token));
    assertThat(none.status()).as("no code to scan for an appointment no longer held").isEqualTo(409);
    assertThat(none.contentType()).startsWith("application/problem+json");
  }

  @Test
  void her_qr_code_seen_by_the_camera_checks_her_in_at_her_point_only_with_the_answer_of_a_typed_reference() {
    JsonObject jeanne = book("09:00", "Jeanne Vidal");
    String here = KioskTest.screen(node, visio, visio.pointId);
    String elsewhere = KioskTest.screen(node, visio, otherPointId);
    byte[] frame = QrPictures.frame(jeanne.getString("reference"));

    Api.Response scannedElsewhere = scan(elsewhere, frame);
    Api.Response typedElsewhere = KioskTest.kiosk(node, "POST", "/api/visio/kiosk/check-in", elsewhere,
        new JsonObject().put("reference", jeanne.getString("reference")));
    assertThat(scannedElsewhere.status()).as(scannedElsewhere.toString()).isEqualTo(404);
    assertThat(scannedElsewhere.detail()).isEqualTo(typedElsewhere.detail());
    assertThat(scan(elsewhere, QrPictures.frame("CAF-ZZZZZ")).detail()).as("nobody's reference").isEqualTo(typedElsewhere.detail());

    Api.Response in = scan(here, frame);
    assertThat(in.status()).as(in.toString()).isEqualTo(200);
    assertThat(in.json().getString("id")).isEqualTo(jeanne.getString("id"));
    assertThat(in.json().getBoolean("checkedIn")).isTrue();
    assertThat(in.headers().firstValue("Cache-Control")).hasValue("no-store");
  }

  @Test
  void a_frame_without_a_code_is_told_so_changes_nothing_and_leaves_the_typed_references_alone() {
    JsonObject jeanne = book("09:00", "Jeanne Vidal");
    String here = KioskTest.screen(node, visio, visio.pointId);
    byte[] nothing = QrPictures.frame(null);

    // More frames than references a screen may type in an hour: none of them counts as a guess.
    for (int i = 0; i <= KioskService.REFERENCES_PER_SCREEN; i++) {
      Api.Response seen = scan(here, nothing);
      assertThat(seen.status()).as(seen.toString()).isEqualTo(422);
      assertThat(seen.detail()).isEqualTo("No QR code was seen on the camera; hold the convocation still, closer, in front of it.");
    }
    assertThat(scan(here, "not a picture at all".getBytes()).status()).isEqualTo(422);
    JsonObject day = KioskTest.kiosk(node, "GET", "/api/visio/kiosk", here, null).json();
    assertThat(day.getJsonArray("appointments").getJsonObject(0).getBoolean("checkedIn")).as("nothing changed").isFalse();

    Api.Response typed = KioskTest.kiosk(node, "POST", "/api/visio/kiosk/check-in", here,
        new JsonObject().put("reference", jeanne.getString("reference")));
    assertThat(typed.status()).as(typed.toString()).isEqualTo(200);
  }

  @Test
  void a_frame_needs_a_paired_screen_and_is_at_most_200_kb() throws Exception {
    String here = KioskTest.screen(node, visio, visio.pointId);
    byte[] frame = QrPictures.frame(null);
    assertThat(scan(null, frame).status()).isEqualTo(401);
    assertThat(scan("kiosk_not-a-token", frame).status()).isEqualTo(401);

    Api.Response large = scan(here, new byte[KioskScans.MAX_BYTES + 1]);
    assertThat(large.status()).as(large.toString()).isEqualTo(413);
    assertThat(large.detail()).contains("200 KB");
    assertThat(scan(here, java.util.Arrays.copyOf(frame, KioskScans.MAX_BYTES)).status())
        .as("just under: read (a JPEG with padding)").isEqualTo(422);
    assertThat(chunked(here, new byte[KioskScans.MAX_BYTES + 1])).as("no Content-Length: counted as it comes").isEqualTo(413);
    assertThat(chunked(here, frame)).as("no Content-Length, small: read").isEqualTo(422);
  }

  /** A frame sent without Content-Length (chunked): the server can only count it as it comes. */
  private int chunked(String token, byte[] body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(node.api.base() + "/api/visio/kiosk/scan"))
        .version(HttpClient.Version.HTTP_1_1).timeout(Duration.ofSeconds(30))
        .header("X-Kiosk-Token", token).header("Content-Type", "image/jpeg")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
    try {
      return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    } catch (java.io.IOException e) {
      // Refused mid-way, the connection closed while the client still wrote: the answer may be lost with it.
      return 413;
    }
  }

  private Api.Response scan(String token, byte[] frame) {
    Map<String, String> headers = new HashMap<>();
    if (token != null) {
      headers.put("X-Kiosk-Token", token);
    }
    headers.put("Content-Type", "image/jpeg");
    return node.api.overHttp1().sendBytes("POST", "/api/visio/kiosk/scan", null, frame, headers);
  }

  private JsonObject book(String time, String name) {
    return KioskTest.bookAtPoint(node, visio, time, name);
  }
}
