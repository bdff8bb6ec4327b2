package fr.cantou.teleconsult;

import fr.cantou.support.Api;
import fr.cantou.support.CareNodeTest;
import fr.cantou.support.CareTerritory;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outside review of 7 December 2026 (r19): the photos and documents attacked as a hostile uploader would — pictures
 * made to cost the decoder far more than their size, type confusion, metadata hidden where a stripper may not look.
 * Files of 1 MiB at most, 10 a request; 12 uploads of one nurse at once (the default 2 would refuse the race below
 * before it reaches the request's limit: CareFileUploadBoundsTest covers that bound).
 */
class CareFileBombsTest extends CareNodeTest {
  @BeforeEach
  @Override
  protected void startNode() {
    node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_TELECONSULT_FILE_MAX_BYTES", Integer.toString(1024 * 1024),
        "CANTOU_TELECONSULT_FILES_PER_REQUEST", "10", "CANTOU_TELECONSULT_FILE_UPLOADS_PER_USER", "12"), clock);
    care = new CareTerritory(node);
  }

  private Api.Response upload(JsonObject item, String name, byte[] bytes) {
    return node.api.overHttp1().sendBytes("POST", "/api/teleconsultations/" + item.getString("id") + "/files", care.nurse,
        bytes, Map.of("Content-Type", "application/octet-stream", "X-File-Name",
            URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"), "Accept-Language", "fr"));
  }

  private HttpResponse<byte[]> download(JsonObject item, String fileId) {
    return CareFiles.download(node, item, fileId, care.geriatrician);
  }

  private long[] held(JsonObject item) {
    return CareFiles.held(node, item);
  }

  /**
   * A JPEG of 7000 × 7000 (49 megapixels, under the cap of 50), progressive with 300 scans, 113 KB: each scan cost the
   * decoder a pass over the whole picture (33 to 60 ms here, no deadline), so 1 MB of them held a worker of the photos'
   * pool (shared with the reports and the PDF checks) 10 minutes or more. Cameras write 1 to about 10 scans: more than
   * 40 is refused before a pixel is decoded, in words she can act on.
   */
  @Test
  void a_progressive_jpeg_of_three_hundred_scans_is_refused_as_unreadable_before_its_pixels_are_decoded() {
    JsonObject item = care.create(request("geriatrie", "normal"));
    byte[] bomb = Bombs.progressiveJpeg(7000, 7000, 300);
    assertThat(bomb.length).isLessThan(200 * 1024);
    Api.Response answer = upload(item, "plaie.jpg", bomb);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(415);
    assertThat(answer.detail()).isEqualTo("Cette photo est illisible (abîmée ou incomplète) ; reprenez-la ou envoyez-la en JPEG.");
  }

  @Test
  void a_page_or_an_svg_named_jpg_is_refused_and_a_jpeg_html_polyglot_comes_back_without_its_page() {
    JsonObject item = care.create(request("geriatrie", "normal"));
    byte[] svg = Bombs.latin1("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(document.domain)</script></svg>");
    assertThat(upload(item, "photo.jpg", svg).status()).isEqualTo(415);
    assertThat(upload(item, "photo.png", Bombs.latin1("<!DOCTYPE html><script>alert(1)</script>")).status()).isEqualTo(415);
    byte[] fakeJpeg = Bombs.concat(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0},
        Bombs.latin1("<html><script>alert(1)</script></html>"));
    assertThat(upload(item, "photo.jpg", fakeJpeg).status()).isEqualTo(415);

    byte[] jpeg = CareFiles.encode(CareFiles.picture(40, 20), "jpeg");
    String page = "<html><body><script>alert(document.cookie)</script></body></html>";
    byte[] comment = Bombs.latin1(page);
    byte[] com = Bombs.concat(new byte[] {(byte) 0xFF, (byte) 0xFE, (byte) ((comment.length + 2) >> 8),
        (byte) (comment.length + 2)}, comment);
    byte[] polyglot = Bombs.concat(Arrays.copyOf(jpeg, 2), com, Arrays.copyOfRange(jpeg, 2, jpeg.length), comment);
    Api.Response added = upload(item, "photo.html", polyglot);
    assertThat(added.status()).as(added.toString()).isEqualTo(201);
    JsonObject file = added.json().getJsonArray("files").getJsonObject(0);
    assertThat(file.getString("name")).isEqualTo("photo.jpg");
    HttpResponse<byte[]> read = download(item, file.getString("id"));
    assertThat(new String(read.body(), StandardCharsets.ISO_8859_1)).doesNotContain("<script", "<html");
    assertThat(read.headers().firstValue("Content-Type")).hasValue("image/jpeg");
    assertThat(read.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(read.headers().firstValue("Content-Security-Policy").orElseThrow()).startsWith("sandbox");
  }

  /**
   * Held: a position hidden where a stripper might not look — a second APP1 (XMP with GPS), a COM, an EXIF thumbnail's
   * room, a PNG's eXIf, iTXt and a zTXt that inflates to 200 MB — none reaches the doctor, and the zTXt costs nothing.
   */
  @Test
  void gps_hidden_in_a_second_app1_a_comment_or_png_exif_itxt_ztxt_never_reaches_the_doctor() throws Exception {
    JsonObject item = care.create(request("geriatrie", "normal"));
    byte[] tablet = CareFiles.photoWithGps(40, 20, 1);
    byte[] xmp = Bombs.latin1("http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
        + "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description xmlns:exif=\"http://ns.adobe.com/exif/1.0/\" "
        + "exif:GPSLatitude=\"45,6.60N\" exif:GPSLongitude=\"2,52.00E\"/></rdf:RDF></x:xmpmeta>");
    byte[] app1 = Bombs.concat(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) ((xmp.length + 2) >> 8), (byte) (xmp.length + 2)}, xmp);
    byte[] note = Bombs.latin1("EHPAD Les Estives 45.1100N");
    byte[] com = Bombs.concat(new byte[] {(byte) 0xFF, (byte) 0xFE, 0, (byte) (note.length + 2)}, note);
    byte[] jpeg = Bombs.concat(Arrays.copyOf(tablet, 2), app1, com, Arrays.copyOfRange(tablet, 2, tablet.length));
    Api.Response added = upload(item, "talon.jpg", jpeg);
    assertThat(added.status()).as(added.toString()).isEqualTo(201);
    String stored = new String(download(item, added.json().getJsonArray("files").getJsonObject(0).getString("id")).body(),
        StandardCharsets.ISO_8859_1);
    assertThat(stored).doesNotContain("GPS", "45,6", "Estives", "xmpmeta", "Exif", "Tablette");

    byte[] exifChunk = Bombs.concat(Bombs.latin1("MM\0*\0\0\0\b"), Bombs.latin1("GPSLatitude 45.11N Tablette T-42"));
    byte[] itxt = Bombs.latin1("XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>exif:GPSLatitude 45,6.60N</x:xmpmeta>");
    byte[] ztxt = Bombs.concat(Bombs.latin1("Comment\0\0"), Bombs.deflatedZeros(200));
    byte[] png = Bombs.png(20, 10, 2, 8, "eXIf", exifChunk, "iTXt", itxt, "zTXt", ztxt,
        "tEXt", Bombs.latin1("Location\0EHPAD Les Estives"));
    Api.Response addedPng = upload(item, "rougeur.png", png);
    assertThat(addedPng.status()).as(addedPng.toString()).isEqualTo(201);
    byte[] storedPng = download(item, addedPng.json().getJsonArray("files").getJsonObject(1).getString("id")).body();
    assertThat(new String(storedPng, StandardCharsets.ISO_8859_1))
        .doesNotContain("GPS", "Estives", "Tablette", "eXIf", "iTXt", "zTXt", "tEXt");
    assertThat(ImageIO.read(new ByteArrayInputStream(storedPng)).getWidth()).isEqualTo(20);
  }

  /** Held: a file read through another request of the same care home (both visible to the reader), or once withdrawn: 404. */
  @Test
  void a_file_is_read_only_through_its_own_request_and_never_once_withdrawn() {
    JsonObject mine = care.create(request("geriatrie", "normal"));
    JsonObject other = care.create(request("geriatrie", "normal"));
    byte[] png = CareFiles.encode(CareFiles.picture(8, 8), "png");
    String fileId = upload(mine, "x.png", png).json().getJsonArray("files").getJsonObject(0).getString("id");
    assertThat(download(mine, fileId).statusCode()).isEqualTo(200);
    assertThat(download(other, fileId).statusCode()).as("another request's id").isEqualTo(404);
    assertThat(node.api.send("DELETE", "/api/teleconsultations/" + other.getString("id") + "/files/" + fileId, care.nurse,
        null, Map.of()).status()).as("withdrawn through another request").isEqualTo(404);
    assertThat(node.api.send("DELETE", "/api/teleconsultations/" + mine.getString("id") + "/files/" + fileId, care.nurse,
        null, Map.of()).status()).isEqualTo(204);
    assertThat(download(mine, fileId).statusCode()).as("withdrawn").isEqualTo(404);
    assertThat(held(mine)).containsExactly(0, 0);
  }

  /**
   * The route takes a name of up to 200 characters; the service then gives it the extension of its content
   * ({@code withExtensionOf}: ".jpg" appended when it has none), and the table refuses a name over 200
   * ({@code CHECK (length(name) BETWEEN 1 AND 200)}): the photo, sent whole over a slow line and decoded, ends in a 500.
   */
  @Test
  void a_photo_whose_name_is_two_hundred_characters_without_extension_is_stored_not_answered_500() {
    JsonObject item = care.create(request("geriatrie", "normal"));
    String name = "Photo du talon gauche de Mme D prise le 7 decembre ".repeat(4).substring(0, 200);
    assertThat(name).hasSize(200).doesNotContain(".");
    Api.Response added = upload(item, name, CareFiles.encode(CareFiles.picture(40, 20), "jpeg"));
    assertThat(added.status()).as(added.toString()).isEqualTo(201);
    String stored = added.json().getJsonArray("files").getJsonObject(0).getString("name");
    assertThat(stored).endsWith(".jpg").hasSizeLessThanOrEqualTo(200);
  }

  /** Held: twelve uploads at once into a request of ten: ten stored, numbered 1 to 10, two refused 409, nothing staged left. */
  @Test
  void twelve_uploads_at_once_never_pass_the_ten_a_request() {
    JsonObject item = care.create(request("geriatrie", "normal"));
    List<CompletableFuture<Api.Response>> sent = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      byte[] png = CareFiles.encode(CareFiles.picture(8 + i, 8), "png");
      int n = i;
      sent.add(CompletableFuture.supplyAsync(() -> upload(item, "p" + n + ".png", png)));
    }
    List<Integer> statuses = sent.stream().map(CompletableFuture::join).map(Api.Response::status).sorted().toList();
    assertThat(statuses).containsExactly(201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 409, 409);
    var files = node.api.get("/api/teleconsultations/" + item.getString("id"), care.nurse).json().getJsonArray("files");
    assertThat(files).hasSize(10);
    assertThat(files.stream().map(f -> ((JsonObject) f).getInteger("position")).sorted().toList())
        .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    assertThat(held(item)).containsExactly(10, 10);
  }

  /**
   * A careless, honest case: a photo of 0.7 MB (the node's limit is 1 MiB) is decoded and encoded again at quality
   * 0.92 to strip it; the copy, 1.08 MB, passes the limit and the nurse gets a 413 saying her file is larger than 1 MB,
   * after sending it whole. The limit the documents state is on what she sends (from Content-Length, or as the body
   * streams): a camera's 9 MB JPEG at quality 0.75 to 0.85 is refused "over 10 MB" the same way.
   */
  @Test
  void a_photo_sent_under_the_limit_is_not_refused_as_over_it_because_its_stripped_copy_grew() {
    JsonObject item = care.create(request("geriatrie", "normal"));
    java.awt.image.BufferedImage grain = new java.awt.image.BufferedImage(1100, 1100, java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.util.Random random = new java.util.Random(7);
    for (int y = 0; y < 1100; y++) {
      for (int x = 0; x < 1100; x++) {
        grain.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    byte[] photo = CareFiles.encode(grain, "jpeg");
    assertThat(photo.length).as("well under the 1 MiB limit").isLessThan(800 * 1024);
    Api.Response added = upload(item, "escarre.jpg", photo);
    assertThat(added.status()).as(added.toString()).isEqualTo(201);
  }

  /** Held: once a geriatrician has claimed the request, another geriatrician of the pool no longer reads its files. */
  @Test
  void once_claimed_the_files_are_the_claiming_doctors_not_the_rest_of_the_pool() {
    String second = care.token(care.user("geriatre2@ch.test", "doctor", "Dr Vidal", null,
        new io.vertx.core.json.JsonArray().add("geriatrie")));
    JsonObject item = care.create(request("geriatrie", "normal").put("kind", "opinion"));
    String fileId = upload(item, "x.png", CareFiles.encode(CareFiles.picture(8, 8), "png")).json().getJsonArray("files")
        .getJsonObject(0).getString("id");
    String path = "/api/teleconsultations/" + item.getString("id") + "/files/" + fileId;
    assertThat(node.api.get(path, second).status()).as("in the pool while it waits").isEqualTo(200);
    assertThat(node.api.post("/api/teleconsultations/" + item.getString("id") + "/claim", care.geriatrician, null).status())
        .isEqualTo(200);
    assertThat(node.api.get(path, second).status()).as("claimed by another").isEqualTo(403);
    assertThat(node.api.get(path, care.geriatrician).status()).isEqualTo(200);
  }
}
