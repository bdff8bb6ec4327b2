package fr.cantou.teleconsult;

import fr.cantou.support.Api;
import fr.cantou.support.CareNodeTest;
import fr.cantou.support.CareTerritory;
import fr.cantou.support.Eventually;
import fr.cantou.support.RawHttp;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import org.apache.commons.imaging.Imaging;
import org.apache.commons.imaging.common.ImageMetadata;
import org.apache.commons.imaging.formats.jpeg.JpegImageMetadata;
import org.apache.commons.imaging.formats.tiff.constants.TiffTagConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Photos and documents with a request (issue 16): added by the care home's nurse while it is
 * open, read by whoever may read the item, live; typed by their content, photos without their
 * metadata, limits as settings, nothing half-stored, every read audited, erased with the patient.
 * This node takes files of 1 MiB at most, 3 a request (the defaults are 10 MiB and 10).
 */
class CareFilesTest extends CareNodeTest {
  private static final int MAX_BYTES = 1024 * 1024;
  @BeforeEach
  @Override
  protected void startNode() {
    node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_TELECONSULT_FILE_MAX_BYTES", Integer.toString(MAX_BYTES),
        "CANTOU_TELECONSULT_FILES_PER_REQUEST", "3"), clock);
    care = new CareTerritory(node);
  }

  private Api.Response upload(JsonObject item, String token, String name, byte[] bytes, String contentType) {
    return node.api.overHttp1().sendBytes("POST", "/api/teleconsultations/" + item.getString("id") + "/files", token, bytes,
        Map.of("Content-Type", contentType, "X-File-Name", URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"),
            "Accept-Language", "fr"));
  }

  private Api.Response upload(JsonObject item, String name, byte[] bytes) {
    return upload(item, care.nurse, name, bytes, "application/octet-stream");
  }

  /** The file's bytes as a reader gets them, with the answer's headers. */
  private HttpResponse<byte[]> download(JsonObject item, String fileId, String token) {
    return CareFiles.download(node, item, fileId, token);
  }

  private long[] held(JsonObject item) {
    return CareFiles.held(node, item);
  }

  @Test
  void a_photo_from_the_tablet_loses_its_gps_position_and_device_and_comes_out_upright() throws Exception {
    byte[] taken = CareFiles.photoWithGps(40, 20, 6);
    ImageMetadata before = Imaging.getMetadata(taken);
    assertThat(((JpegImageMetadata) before).getExif().getGpsInfo()).as("the fixture carries a GPS position").isNotNull();

    JsonObject item = care.create(request("geriatrie", "normal"));
    Api.Response added = upload(item, "talon gauche.jpg", taken);
    assertThat(added.status()).as(added.toString()).isEqualTo(201);
    JsonObject file = added.json().getJsonArray("files").getJsonObject(0);
    assertThat(file.getString("name")).isEqualTo("talon gauche.jpg");
    assertThat(file.getString("mediaType")).isEqualTo("image/jpeg");
    assertThat(file.getInteger("position")).isEqualTo(1);
    assertThat(file.getString("addedBy")).isEqualTo("nurse");
    assertThat(file.getString("addedByName")).isEqualTo("Sophie Delmas");

    HttpResponse<byte[]> read = download(item, file.getString("id"), care.geriatrician);
    assertThat(read.statusCode()).isEqualTo(200);
    byte[] stored = read.body();
    assertThat(stored).hasSize(file.getInteger("size"));
    ImageMetadata after = Imaging.getMetadata(stored);
    boolean noExif = after == null || !(after instanceof JpegImageMetadata jpeg) || jpeg.getExif() == null;
    assertThat(noExif).as("no EXIF left: no GPS, no device, no orientation").isTrue();
    String text = new String(stored, StandardCharsets.ISO_8859_1);
    assertThat(text).doesNotContain("Tablette", "Exif", "http://ns.adobe.com/xap");
    BufferedImage upright = ImageIO.read(new ByteArrayInputStream(stored));
    assertThat(upright.getWidth()).as("turned a quarter as its orientation said").isEqualTo(20);
    assertThat(upright.getHeight()).isEqualTo(40);
    // Orientation 6: the stored picture's left (red) half is the upright picture's top.
    assertThat(new java.awt.Color(upright.getRGB(10, 5)).getRed()).isGreaterThan(200);
    assertThat(new java.awt.Color(upright.getRGB(10, 35)).getBlue()).isGreaterThan(200);
  }

  @Test
  void a_png_loses_its_text_chunks() {
    byte[] png = CareFiles.pngWithText(20, 10, "Location", "EHPAD Les Estives, 45.11 N 2.87 E");
    assertThat(new String(png, StandardCharsets.ISO_8859_1)).as("the fixture carries it").contains("45.11 N");
    JsonObject item = care.create(request("geriatrie", "normal"));
    Api.Response added = upload(item, "rougeur.png", png);
    assertThat(added.status()).isEqualTo(201);
    byte[] stored = download(item, added.json().getJsonArray("files").getJsonObject(0).getString("id"), care.nurse).body();
    assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("45.11 N", "Location", "tEXt");
  }

  @Test
  void a_png_and_a_pdf_of_several_chunks_come_back_as_they_were_with_safe_headers() throws Exception {
    JsonObject item = care.create(request("geriatrie", "normal"));
    byte[] png = CareFiles.encode(CareFiles.picture(30, 30), "png");
    byte[] pdf = CareFiles.pdf(700_000);
    assertThat(upload(item, "rougeur.png", png).status()).isEqualTo(201);
    JsonObject withPdf = upload(item, "ECG du 2 décembre.pdf", pdf).json();
    JsonArray files = withPdf.getJsonArray("files");
    assertThat(files).hasSize(2);
    JsonObject pdfFile = files.getJsonObject(1);
    assertThat(pdfFile.getString("mediaType")).isEqualTo("application/pdf");
    assertThat(pdfFile.getInteger("position")).isEqualTo(2);
    assertThat(held(item)).as("the PDF in three chunks of 256 KiB, the PNG in one").containsExactly(2, 4);

    HttpResponse<byte[]> read = download(item, pdfFile.getString("id"), care.nurse);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.body()).isEqualTo(pdf);
    assertThat(read.headers().firstValue("Content-Type")).hasValue("application/pdf");
    assertThat(read.headers().firstValue("Content-Length")).hasValue(Integer.toString(pdf.length));
    assertThat(read.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(read.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(read.headers().firstValue("Content-Security-Policy").orElseThrow()).startsWith("sandbox");
    assertThat(read.headers().firstValue("Content-Disposition").orElseThrow())
        .isEqualTo("inline; filename=\"ECG du 2 decembre.pdf\"; filename*=UTF-8''ECG%20du%202%20d%C3%A9cembre.pdf");

    BufferedImage back = ImageIO.read(new ByteArrayInputStream(download(item, files.getJsonObject(0).getString("id"),
        care.nurse).body()));
    assertThat(back.getWidth()).isEqualTo(30);

    // A name that would make a saved file open as a page or a program ends as its content is.
    JsonObject other = care.create(request("geriatrie", "normal"));
    var renamedAnswer = upload(other, "compte-rendu.html", CareFiles.pdf(1_000));
    assertThat(renamedAnswer.status()).as(renamedAnswer.toString()).isEqualTo(201);
    JsonObject renamed = renamedAnswer.json();
    var pictureAnswer = upload(other, "photo.jpg.exe", png);
    assertThat(pictureAnswer.status()).as(pictureAnswer.toString()).isEqualTo(201);
    JsonObject picture = pictureAnswer.json();
    assertThat(renamed.getJsonArray("files").getJsonObject(0).getString("name")).isEqualTo("compte-rendu.pdf");
    assertThat(picture.getJsonArray("files").getJsonObject(1).getString("name")).isEqualTo("photo.jpg.png");
    assertThat(download(other, picture.getJsonArray("files").getJsonObject(1).getString("id"), care.nurse).headers()
        .firstValue("Content-Disposition").orElseThrow()).contains("filename=\"photo.jpg.png\"");
  }

  @Test
  void the_type_comes_from_the_content_a_renamed_program_or_a_lying_content_type_is_refused_and_nothing_is_stored() {
    JsonObject item = care.create(request("geriatrie", "normal"));
    byte[] program = new byte[4096];
    byte[] head = {0x7F, 'E', 'L', 'F', 2, 1, 1, 0};
    System.arraycopy(head, 0, program, 0, head.length);
    Api.Response renamed = upload(item, care.nurse, "photo.jpg", program, "image/jpeg");
    assertThat(renamed.status()).as(renamed.toString()).isEqualTo(415);
    assertThat(renamed.isProblem()).isTrue();
    assertThat(renamed.detail()).startsWith("Ce fichier n’est ni une photo JPEG ou PNG, ni un document PDF");

    byte[] page = "<html><script>alert(1)</script></html>".getBytes(StandardCharsets.UTF_8);
    assertThat(upload(item, care.nurse, "scan.pdf", page, "application/pdf").status()).isEqualTo(415);

    byte[] webp = "RIFF\u0024\0\0\0WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1);
    Api.Response modern = upload(item, "photo.webp", Arrays.copyOf(webp, 64));
    assertThat(modern.status()).isEqualTo(415);
    assertThat(modern.detail()).contains("WEBP", "JPEG");

    byte[] cut = Arrays.copyOf(CareFiles.photoWithGps(40, 20, 1), 40);
    assertThat(upload(item, "coupée.jpg", cut).status()).as("a JPEG cut short cannot be read").isEqualTo(415);
    assertThat(upload(item, "vide.jpg", new byte[0]).status()).isEqualTo(400);

    assertThat(held(item)).containsExactly(0, 0);
    assertThat(node.api.get("/api/teleconsultations/" + item.getString("id"), care.nurse).json().getJsonArray("files")).isEmpty();
  }

  /**
   * A PDF is judged as a PDF, not by its first bytes: a program, a document cut in the middle, one
   * that needs a password to open or one without a page gets a 415 that says so, and nothing is stored; a whole
   * PDF written by an office program still passes and comes back byte for byte.
   */
  @Test
  void a_file_that_only_starts_like_a_pdf_is_refused_and_nothing_is_stored() {
    JsonObject item = care.create(request("geriatrie", "normal"));
    Set<Path> before = temporaryUploads();
    byte[] program = new byte[64 * 1024];
    new java.util.Random(16).nextBytes(program);
    byte[] head = "%PDF-1.7\n\u007fELF\u0002\u0001\u0001\u0000".getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(head, 0, program, 0, head.length);
    Api.Response elf = upload(item, care.nurse, "ECG.pdf", program, "application/pdf");
    assertThat(elf.status()).as(elf.toString()).isEqualTo(415);
    assertThat(elf.isProblem()).isTrue();
    assertThat(elf.detail()).startsWith("Ce fichier commence comme un document PDF mais n’en est pas un, entier et lisible");

    byte[] whole = CareFiles.writtenPdf(40, null);
    byte[] half = Arrays.copyOf(whole, whole.length / 2);
    assertThat(new String(half, StandardCharsets.ISO_8859_1)).as("the first half holds pages whole").contains("/Type /Page");
    Api.Response cut = upload(item, "bilan.pdf", half);
    assertThat(cut.status()).as(cut.toString()).isEqualTo(415);
    assertThat(cut.detail()).contains("incomplet");

    Api.Response locked = upload(item, "bilan protégé.pdf", CareFiles.writtenPdf(1, "1234"));
    assertThat(locked.status()).as(locked.toString()).isEqualTo(415);
    assertThat(locked.detail()).startsWith("Ce document PDF est protégé");

    Api.Response empty = upload(item, "vide.pdf", CareFiles.writtenPdf(0, null));
    assertThat(empty.status()).as(empty.toString()).isEqualTo(415);
    assertThat(empty.detail()).isEqualTo("Ce document PDF n’a aucune page.");

    assertThat(storedRows()).as("no file, no chunk, staged or not").containsExactly(0, 0);
    Eventually.until("the temporary files are deleted", () -> temporaryUploads().equals(before));

    Api.Response real = upload(item, "bilan.pdf", whole);
    assertThat(real.status()).as(real.toString()).isEqualTo(201);
    String fileId = real.json().getJsonArray("files").getJsonObject(0).getString("id");
    assertThat(download(item, fileId, care.geriatrician).body()).as("stored as sent").isEqualTo(whole);
    // Many laboratories send results that open without a password but forbid editing: the doctor's viewer opens them.
    Api.Response restricted = upload(item, "bilan sans modification.pdf", CareFiles.writtenPdf(1, ""));
    assertThat(restricted.status()).as("protected only against changes: " + restricted).isEqualTo(201);
  }

  /** Ten megabytes of noise behind a PDF's header, with or without its end marker: parsed from the file, refused. */
  @Test
  void ten_megabytes_of_noise_after_a_pdf_header_are_refused_and_nothing_is_stored() {
    node.close();
    node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_TELECONSULT_FILE_MAX_BYTES", Integer.toString(12 * MAX_BYTES)),
        clock);
    care = new CareTerritory(node);
    JsonObject item = care.create(request("geriatrie", "normal"));
    byte[] noise = new byte[10 * 1024 * 1024];
    new java.util.Random(10).nextBytes(noise);
    byte[] header = "%PDF-1.4\n".getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(header, 0, noise, 0, header.length);
    Api.Response plain = upload(item, "scanner.pdf", noise);
    assertThat(plain.status()).as(plain.toString()).isEqualTo(415);
    byte[] end = "\n%%EOF\n".getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(end, 0, noise, noise.length - end.length, end.length);
    Api.Response ended = upload(item, "scanner.pdf", noise);
    assertThat(ended.status()).as("ending like a PDF, parsed: no trailer, no catalogue").isEqualTo(415);
    assertThat(ended.detail()).startsWith("Ce fichier commence comme un document PDF");
    assertThat(storedRows()).containsExactly(0, 0);
  }

  /**
   * Ten kilobytes made to exhaust a parser — a compressed cross-reference stream naming a million
   * objects (PDFBox held 465 MB and took 26 s over it in the node's JVM) — are refused, and a
   * photo sent meanwhile is answered: the parse runs in a JVM of its own with a small heap.
   */
  @Test
  void a_small_pdf_made_to_exhaust_the_parser_is_refused_without_taking_the_node() throws Exception {
    JsonObject item = care.create(request("geriatrie", "normal"));
    byte[] bomb = CareFiles.crossReferenceBomb(1_000_000);
    assertThat(bomb.length).as("a few kilobytes").isLessThan(20 * 1024);
    var pending = java.util.concurrent.CompletableFuture.supplyAsync(() -> upload(item, "ECG.pdf", bomb));
    Api.Response photo = upload(item, "talon.jpg", CareFiles.photoWithGps(64, 48, 1));
    assertThat(photo.status()).as("a photo meanwhile: " + photo).isEqualTo(201);
    Api.Response refused = pending.get(60, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(refused.status()).as(refused.toString()).isEqualTo(415);
    assertThat(refused.detail()).startsWith("Ce fichier commence comme un document PDF");
    assertThat(held(item)).as("the photo only").containsExactly(1, 1);
  }

  /** Rows of care_file and care_file_chunk, whatever their request and whether staged or placed. */
  private long[] storedRows() {
    var row = TestNode.await(node.node().platform().pool().query(
        "SELECT (SELECT count(*) FROM care_file) AS files, (SELECT count(*) FROM care_file_chunk) AS chunks").execute())
        .iterator().next();
    return new long[] {row.getLong("files"), row.getLong("chunks")};
  }

  @Test
  void a_file_over_the_limit_is_refused_with_413_before_or_while_it_is_read_and_nothing_is_stored() throws Exception {
    JsonObject item = care.create(request("geriatrie", "normal"));
    Set<Path> before = temporaryUploads();
    Api.Response declared = upload(item, "trop gros.pdf", CareFiles.pdf(MAX_BYTES + 10_000));
    assertThat(declared.status()).isEqualTo(413);
    assertThat(declared.detail()).isEqualTo("Ce fichier dépasse 1 Mo, la taille la plus grande acceptée.");

    // Sent in chunks without a length: the count stops it as it passes the limit.
    String answer = rawUpload(item, "Transfer-Encoding: chunked\r\n", chunked(CareFiles.pdf(MAX_BYTES + 300_000)), false);
    assertThat(answer).startsWith("HTTP/1.1 413");
    assertThat(held(item)).containsExactly(0, 0);
    Eventually.until("the temporary files are deleted", () -> temporaryUploads().equals(before));
  }

  /**
   * A client that sends its whole file before it reads (most do) must still hear the 413. Closing with its body unread
   * makes the kernel answer what comes next with a reset, and a reset can destroy the answer before the client reads
   * it ("connexion perdue" instead of "Ce fichier dépasse 1 Mo", seen once in CareFilesTest). Here the client reads
   * the answer first, then sends the rest: the node reads and drops it, and closes only once it has all come.
   */
  @Test
  void a_refused_upload_is_read_to_its_end_before_the_connection_closes() throws Exception {
    JsonObject item = care.create(request("geriatrie", "normal"));
    byte[] body = CareFiles.pdf(3 * MAX_BYTES);
    try (Socket socket = new Socket("127.0.0.1", node.port())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /api/teleconsultations/" + item.getString("id") + "/files HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Authorization: Bearer " + care.nurse + "\r\nContent-Type: application/octet-stream\r\nX-File-Name: ECG.pdf\r\n"
          + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String answer = RawHttp.answer(in);
      assertThat(answer).startsWith("HTTP/1.1 413").containsIgnoringCase("connection: close");

      // Closed at once, the node's kernel resets the connection at the first bytes: these writes fail.
      for (int at = 0; at < body.length; at += 64 * 1024) {
        out.write(body, at, Math.min(64 * 1024, body.length - at));
      }
      out.flush();
      assertThat(in.read()).as("the connection closes once the body has all come").isEqualTo(-1);
    }
    assertThat(held(item)).containsExactly(0, 0);
  }

  /** A sender that stops (or crawls) after a refusal holds its connection a moment, not for ever. */
  @Test
  void a_refused_upload_whose_body_never_comes_has_its_connection_closed_all_the_same() throws Exception {
    JsonObject item = care.create(request("geriatrie", "normal"));
    try (Socket socket = new Socket("127.0.0.1", node.port())) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write(("POST /api/teleconsultations/" + item.getString("id") + "/files HTTP/1.1\r\n"
          + "Host: 127.0.0.1\r\nAuthorization: Bearer " + care.nurse + "\r\nContent-Type: application/octet-stream\r\n"
          + "X-File-Name: ECG.pdf\r\nContent-Length: " + 3 * MAX_BYTES + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(new byte[1000]);
      InputStream in = socket.getInputStream();
      assertThat(RawHttp.answer(in)).startsWith("HTTP/1.1 413");
      // Without a limit to the lingering, nothing ends it: the read times out.
      assertThat(in.read()).as("the connection closes, the body still owed").isEqualTo(-1);
    }
  }

  @Test
  void an_upload_cut_off_mid_body_stores_nothing_and_leaves_no_temporary_file() throws Exception {
    JsonObject item = care.create(request("geriatrie", "normal"));
    Set<Path> before = temporaryUploads();
    byte[] pdf = CareFiles.pdf(600_000);
    rawUpload(item, "Content-Length: " + pdf.length + "\r\n", Arrays.copyOf(pdf, 200_000), true);
    Eventually.until("the cut upload's temporary file is deleted", () -> temporaryUploads().equals(before));
    assertThat(held(item)).containsExactly(0, 0);
    // The node still takes the next one whole. The cut one may have been read after the first wait (the client gone
    // before its checks ended: StreamedBodyTest); neither leaves a file.
    assertThat(upload(item, "ECG.pdf", pdf).status()).isEqualTo(201);
    Eventually.until("no temporary file is left", () -> temporaryUploads().equals(before));
  }

  private Api.Response upload(JsonObject item, String name, byte[] bytes, String idempotencyKey) {
    return node.api.overHttp1().sendBytes("POST", "/api/teleconsultations/" + item.getString("id") + "/files", care.nurse, bytes,
        Map.of("Content-Type", "application/octet-stream", "X-File-Name", URLEncoder.encode(name, StandardCharsets.UTF_8)
            .replace("+", "%20"), "Accept-Language", "fr", "Idempotency-Key", idempotencyKey));
  }

  /**
   * The answer to an upload lost on a weak link, the nurse sends the photo again with its key: the same answer, one photo
   * in the resident's record, even when that photo filled the request; another file under the same key is refused.
   */
  @Test
  void a_file_sent_again_with_its_key_is_stored_once_and_answered_as_the_first_even_when_it_filled_the_request() {
    JsonObject item = care.create(request("geriatrie", "normal"));
    byte[] png = CareFiles.encode(CareFiles.picture(8, 8), "png");
    assertThat(upload(item, "photo 1.png", png).status()).isEqualTo(201);
    Api.Response first = upload(item, "talon.png", png, "file-key-00000001");
    assertThat(first.status()).isEqualTo(201);
    Api.Response again = upload(item, "talon.png", png, "file-key-00000001");
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.json().getJsonArray("files")).isEqualTo(first.json().getJsonArray("files"));
    assertThat(again.json().getJsonArray("files")).hasSize(2);
    assertThat(held(item)[0]).as("one photo, not two").isEqualTo(2);

    Api.Response filling = upload(item, "escarre.png", png, "file-key-00000002");
    assertThat(filling.status()).isEqualTo(201);
    Api.Response filledAgain = upload(item, "escarre.png", png, "file-key-00000002");
    assertThat(filledAgain.status()).as("the request is full by this very file: its retry is not refused as full").isEqualTo(201);
    assertThat(filledAgain.json().getJsonArray("files")).hasSize(3);

    Api.Response other = upload(item, "autre.png", CareFiles.encode(CareFiles.picture(9, 9), "png"), "file-key-00000002");
    assertThat(other.status()).isEqualTo(422);
    assertThat(other.detail()).isEqualTo("Cette clé d’idempotence (Idempotency-Key) a servi à un autre fichier ; envoyez une "
        + "nouvelle clé avec un nouveau fichier.");
    assertThat(held(item)[0]).isEqualTo(3);
    assertThat(upload(item, "talon.png", png, "court").status()).isEqualTo(400);
  }

  @Test
  void a_request_holds_at_most_its_limit_of_files_and_takes_them_only_while_open() {
    JsonObject item = care.create(request("geriatrie", "normal"));
    byte[] png = CareFiles.encode(CareFiles.picture(8, 8), "png");
    for (int i = 1; i <= 3; i++) {
      assertThat(upload(item, "photo " + i + ".png", png).status()).isEqualTo(201);
    }
    Api.Response fourth = upload(item, "photo 4.png", png);
    assertThat(fourth.status()).isEqualTo(409);
    assertThat(fourth.detail()).isEqualTo("Cette demande a déjà 3 fichiers, le plus qu’elle peut contenir.");
    assertThat(held(item)[0]).isEqualTo(3);

    JsonObject other = care.create(request("geriatrie", "normal"));
    assertThat(node.api.post("/api/teleconsultations/" + other.getString("id") + "/cancel", care.nurse, null).status())
        .isEqualTo(200);
    Api.Response closed = upload(other, "photo.png", png);
    assertThat(closed.status()).isEqualTo(409);
    assertThat(closed.detail()).isEqualTo("Cette téléconsultation est annulée ; les photos et les documents s’ajoutent tant qu’elle est ouverte.");
    assertThat(held(other)).containsExactly(0, 0);
  }

  /**
   * Another file is being stored (its transaction open, the item locked as the service locks
   * it) when the request holds one file less than its limit: an upload meanwhile passes the first
   * check, waits for the lock, then finds the request full, and stores nothing.
   */
  /**
   * A file's bytes go in before the short transaction that adds it to the item: while the item's lock is held elsewhere,
   * every chunk of the upload is already committed and unseen. No writing transaction stays open while megabytes go
   * in, holding back the events of every node (they wait for the oldest writing transaction still open).
   */
  @Test
  void a_files_chunks_are_committed_before_the_short_transaction_that_adds_it_and_unseen_until_then() {
    JsonObject item = care.create(request("geriatrie", "normal"));
    UUID id = UUID.fromString(item.getString("id"));
    byte[] pdf = CareFiles.pdf(3 * CareFileStore.CHUNK_BYTES - 1_000);
    SqlConnection other = TestNode.await(node.node().platform().pool().getConnection());
    try {
      Transaction open = TestNode.await(other.begin());
      assertThat(TestNode.await(new CareFileStore().lockOpen(other, id))).hasValue(0);
      CompletableFuture<Integer> upload = CompletableFuture.supplyAsync(() -> upload(item, "ECG.pdf", pdf).status());
      Eventually.until("the three chunks are committed while the item is locked elsewhere", () -> stagedChunks(id) == 3);
      assertThat(node.api.get("/api/teleconsultations/" + id, care.nurse).json().getJsonArray("files")).isNullOrEmpty();
      TestNode.await(open.commit());
      assertThat(upload.join()).isEqualTo(201);
    } finally {
      other.close();
    }
    assertThat(held(item)).containsExactly(1, 3);
    assertThat(stagedChunks(id)).isZero();
  }

  private long stagedChunks(UUID item) {
    return TestNode.await(node.node().platform().pool().preparedQuery(
            "SELECT count(*) AS n FROM care_file_chunk c JOIN care_file f ON f.id = c.file_id"
                + " WHERE f.teleconsultation_id = $1 AND f.position IS NULL")
        .execute(io.vertx.sqlclient.Tuple.of(item))).iterator().next().getLong("n");
  }

  @Test
  void a_file_added_while_another_is_being_stored_waits_for_it_and_never_passes_the_limit() {
    JsonObject item = care.create(request("geriatrie", "normal"));
    UUID id = UUID.fromString(item.getString("id"));
    byte[] png = CareFiles.encode(CareFiles.picture(8, 8), "png");
    for (int i = 1; i <= 2; i++) {
      assertThat(upload(item, "photo " + i + ".png", png).status()).isEqualTo(201);
    }
    UUID nurseId = UUID.fromString(node.api.get("/api/me", care.nurse).json().getString("id"));
    CareFileStore store = new CareFileStore();
    SqlConnection other = TestNode.await(node.node().platform().pool().getConnection());
    try {
      Transaction open = TestNode.await(other.begin());
      assertThat(TestNode.await(store.lockOpen(other, id))).hasValue(2);
      UUID third = UUID.randomUUID();
      TestNode.await(store.stage(other, new CareFileStore.NewFile(third, id, "photo 3.png", "image/png", png.length, 1,
          "0".repeat(64), nurseId, "nurse", clock.instant())));
      TestNode.await(store.insertChunk(other, third, 0, io.vertx.core.buffer.Buffer.buffer(png)));
      TestNode.await(store.add(other, id, third, null));
      CompletableFuture<Integer> mine = CompletableFuture.supplyAsync(() -> upload(item, "photo 4.png", png).status());
      Eventually.until("the upload waits for the other file's lock or is answered", () -> mine.isDone()
          || VitalSignsTest.waitsOnALock(node));
      TestNode.await(open.commit());
      assertThat(mine.join()).as("the request was full once the other file committed").isEqualTo(409);
    } finally {
      other.close();
    }
    assertThat(held(item)).containsExactly(3, 3);
  }

  @Test
  void only_the_care_homes_nurse_adds_and_only_those_who_may_read_the_item_read_its_files_each_read_audited() {
    JsonObject item = care.create(request("geriatrie", "normal"));
    byte[] png = CareFiles.encode(CareFiles.picture(8, 8), "png");
    assertThat(upload(item, care.otherNurse, "x.png", png, "application/octet-stream").status()).isEqualTo(403);
    assertThat(upload(item, care.geriatrician, "x.png", png, "application/octet-stream").status()).isEqualTo(403);
    assertThat(upload(item, null, "x.png", png, "application/octet-stream").status()).isEqualTo(401);
    String fileId = upload(item, "x.png", png).json().getJsonArray("files").getJsonObject(0).getString("id");

    assertThat(download(item, fileId, care.otherNurse).statusCode()).isEqualTo(403);
    assertThat(download(item, fileId, care.cardiologist).statusCode()).isEqualTo(403);
    assertThat(download(item, fileId, care.geriatrician).statusCode()).as("in the pool while it waits").isEqualTo(200);
    assertThat(download(item, fileId, care.nurse).statusCode()).isEqualTo(200);
    assertThat(download(item, UUID.randomUUID().toString(), care.nurse).statusCode()).isEqualTo(404);

    var accesses = TestNode.await(new HealthDataAccessStore().accesses(node.node().platform().pool(),
        UUID.fromString(item.getString("id"))));
    assertThat(accesses.stream().filter(a -> "file".equals(a.action())).count()).as("the two reads, not the refusals").isEqualTo(2);
  }

  @Test
  void a_file_added_reaches_the_doctor_live_as_metadata_and_the_timeline_says_so_without_its_name() {
    JsonObject item = care.create(request("geriatrie", "normal"));
    try (WsClient doctor = WsClient.hello(node.port(), care.geriatrician, null);
         WsClient elsewhere = WsClient.hello(node.port(), care.otherNurse, null)) {
      doctor.next(m -> "snapshot".equals(m.getString("type")));
      elsewhere.next(m -> "snapshot".equals(m.getString("type")));
      assertThat(upload(item, "Mme D. talon.jpg", CareFiles.photoWithGps(40, 20, 1)).status()).isEqualTo(201);
      JsonObject event = doctor.nextEvent("teleconsultation.updated");
      JsonObject file = event.getJsonObject("data").getJsonArray("files").getJsonObject(0);
      assertThat(file.getString("mediaType")).isEqualTo("image/jpeg");
      assertThat(file.fieldNames()).as("metadata only, never the bytes")
          .containsExactlyInAnyOrder("id", "position", "name", "mediaType", "size", "addedAt", "addedBy", "addedByName");
      // The other care home's nurse hears of her own request first: the file's event (earlier in the outbox) never reached her.
      JsonObject hers = node.api.post("/api/teleconsultations", care.otherNurse, request("geriatrie", "normal")).json();
      JsonObject first = elsewhere.next(m -> m.containsKey("kind") && m.getString("kind").startsWith("teleconsultation."));
      assertThat(first.getJsonObject("data").getString("id")).isEqualTo(hers.getString("id"));
    }
    JsonArray timeline = node.api.get("/api/teleconsultations/" + item.getString("id") + "/timeline", care.nurse).array();
    JsonObject line = timeline.getJsonObject(timeline.size() - 1);
    assertThat(line.getString("action")).isEqualTo("file_added");
    assertThat(line.encode()).contains("image/jpeg").doesNotContain("talon");
  }

  private Api.Response withdraw(JsonObject item, String fileId, String token) {
    return node.api.send("DELETE", "/api/teleconsultations/" + item.getString("id") + "/files/" + fileId, token, null,
        Map.of("Accept-Language", "fr"));
  }

  /** Rows of a file and of its chunks, staged or placed, whatever its request: what the database still holds of it. */
  private long[] rowsOf(String fileId) {
    var row = TestNode.await(node.node().platform().pool().preparedQuery(
            "SELECT (SELECT count(*) FROM care_file WHERE id = $1) AS files,"
                + " (SELECT count(*) FROM care_file_chunk WHERE file_id = $1) AS chunks")
        .execute(io.vertx.sqlclient.Tuple.of(UUID.fromString(fileId)))).iterator().next();
    return new long[] {row.getLong("files"), row.getLong("chunks")};
  }

  /**
   * The outside clinical-safety review: another resident's wound photo sent into this resident's request (the cards
   * reorder live on a tablet) could not be withdrawn. The nurse withdraws it: its row and its bytes go, the doctor's page
   * hears the item without it, the timeline and the audit trail say who withdrew which file and when, and a second
   * withdrawal (the answer lost on a weak link, pressed again) is a 404.
   */
  @Test
  void the_care_homes_nurse_withdraws_a_file_sent_into_the_wrong_request_its_bytes_go_and_the_doctor_sees_it_go() {
    JsonObject item = care.create(request("geriatrie", "normal"));
    byte[] pdf = CareFiles.pdf(3 * CareFileStore.CHUNK_BYTES - 1_000);
    assertThat(upload(item, "ECG.pdf", pdf).status()).isEqualTo(201);
    JsonObject added = upload(item, "Mme B. talon.jpg", CareFiles.photoWithGps(40, 20, 1)).json();
    String ecg = added.getJsonArray("files").getJsonObject(0).getString("id");
    String wrong = added.getJsonArray("files").getJsonObject(1).getString("id");
    assertThat(rowsOf(wrong)).containsExactly(1, 1);

    try (WsClient doctor = WsClient.hello(node.port(), care.geriatrician, null)) {
      Api.Response withdrawn = withdraw(item, wrong, care.nurse);
      assertThat(withdrawn.status()).as(withdrawn.toString()).isEqualTo(204);
      JsonObject event = doctor.nextEvent("teleconsultation.updated");
      JsonArray files = event.getJsonObject("data").getJsonArray("files");
      assertThat(files).as("the item with the files left").hasSize(1);
      assertThat(files.getJsonObject(0).getString("id")).isEqualTo(ecg);
    }
    assertThat(rowsOf(wrong)).as("its row and its bytes deleted, not hidden").containsExactly(0, 0);
    assertThat(held(item)).as("the ECG stays whole").containsExactly(1, 3);
    assertThat(download(item, wrong, care.geriatrician).statusCode()).isEqualTo(404);
    assertThat(download(item, ecg, care.geriatrician).body()).isEqualTo(pdf);
    assertThat(node.api.get("/api/teleconsultations/" + item.getString("id"), care.geriatrician).json()
        .getJsonArray("files").stream().map(f -> ((JsonObject) f).getString("id")).toList()).containsExactly(ecg);

    Api.Response again = withdraw(item, wrong, care.nurse);
    assertThat(again.status()).as(again.toString()).isEqualTo(404);
    assertThat(again.isProblem()).isTrue();
    assertThat(again.detail()).isEqualTo("Cette téléconsultation n’a pas de fichier avec cet identifiant.");

    JsonArray timeline = node.api.get("/api/teleconsultations/" + item.getString("id") + "/timeline", care.nurse).array();
    JsonObject line = timeline.getJsonObject(timeline.size() - 1);
    assertThat(line.getString("action")).isEqualTo("file_withdrawn");
    assertThat(line.getString("actorName")).isEqualTo("Sophie Delmas");
    assertThat(line.getString("at")).isNotNull();
    assertThat(line.getJsonObject("detail").getString("fileId")).isEqualTo(wrong);
    assertThat(line.getJsonObject("detail").getInteger("position")).isEqualTo(2);
    assertThat(line.encode()).as("the other resident's name stays out").doesNotContain("talon", "Mme B.");
    JsonArray trail = node.api.get("/api/admin/audit?limit=200&kind=change&itemId=" + item.getString("id"), node.adminToken())
        .json().getJsonArray("items");
    assertThat(trail.stream().map(JsonObject.class::cast).filter(e -> "teleconsultation.file_withdrawn".equals(e.getString("action"))))
        .singleElement().satisfies(e -> assertThat(e.getString("userName")).isEqualTo("Sophie Delmas"));

    // Its place is free again: the right photo goes in, numbered after the others (the doctor's "photo 2" stays gone).
    JsonObject right = upload(item, "Mme D. talon.jpg", CareFiles.photoWithGps(40, 20, 1)).json();
    assertThat(right.getJsonArray("files").getJsonObject(1).getInteger("position")).isEqualTo(3);
  }

  /**
   * The outside security review of 6 December: a withdrawn file's name (which may name another resident) came back to
   * a socket resuming from before its withdrawal, from the item's earlier events, while the GET no longer showed it.
   */
  @Test
  void a_withdrawn_files_name_is_not_replayed_to_a_socket_resuming_from_before() {
    JsonObject item = care.create(request("geriatrie", "normal"));
    long before;
    String wrong;
    try (WsClient doctor = WsClient.hello(node.port(), care.geriatrician, null)) {
      wrong = upload(item, "Mme DURAND Paulette escarre.png", CareFiles.encode(CareFiles.picture(8, 8), "png")).json()
          .getJsonArray("files").getJsonObject(0).getString("id");
      before = doctor.nextEvent("teleconsultation.updated").getLong("id") - 1;
    }
    assertThat(withdraw(item, wrong, care.nurse).status()).isEqualTo(204);
    assertThat(upload(item, "Mme MARTY talon.png", CareFiles.encode(CareFiles.picture(8, 8), "png")).status()).isEqualTo(201);

    try (WsClient resumed = WsClient.hello(node.port(), care.geriatrician, before)) {
      java.util.List<String> replayed = new java.util.ArrayList<>();
      // Up to the right photo's event, written after the withdrawal: everything before it has come by then.
      do {
        replayed.add(resumed.next(m -> "event".equals(m.getString("type"))).encode());
      } while (!replayed.get(replayed.size() - 1).contains("MARTY"));
      assertThat(replayed).as("the upload's event, the withdrawal's, the right photo's").hasSizeGreaterThanOrEqualTo(3)
          .noneMatch(m -> m.contains("DURAND"));
    }
  }

  @Test
  void only_the_care_homes_nurse_withdraws_a_file_and_only_while_the_request_is_open() {
    JsonObject item = care.create(request("geriatrie", "normal"));
    byte[] png = CareFiles.encode(CareFiles.picture(8, 8), "png");
    assertThat(upload(item, "a.png", png).status()).isEqualTo(201);
    JsonArray files = upload(item, "b.png", png).json().getJsonArray("files");
    String first = files.getJsonObject(0).getString("id");
    String second = files.getJsonObject(1).getString("id");
    String agent = care.token(care.user("agent@caf.test", "agent", "Paul Cabrol",
        care.organisation("administration", "CAF du Cantal", "Aurillac"), null));

    Api.Response elsewhere = withdraw(item, first, care.otherNurse);
    assertThat(elsewhere.status()).isEqualTo(403);
    assertThat(elsewhere.isProblem()).isTrue();
    assertThat(elsewhere.detail()).isEqualTo("Seule une infirmière de la structure qui a fait la demande peut en retirer des photos et des documents.");
    assertThat(withdraw(item, first, care.geriatrician).status()).as("the doctor of the pool").isEqualTo(403);
    assertThat(withdraw(item, first, agent).status()).isEqualTo(403);
    assertThat(withdraw(item, first, node.adminToken()).status()).isEqualTo(403);
    assertThat(withdraw(item, first, null).status()).isEqualTo(401);
    assertThat(held(item)).as("nothing withdrawn").containsExactly(2, 2);

    String path = "/api/teleconsultations/" + item.getString("id");
    assertThat(node.api.post(path + "/claim", care.geriatrician, null).status()).isEqualTo(200);
    assertThat(withdraw(item, first, care.geriatrician).status()).as("the doctor who took it").isEqualTo(403);
    assertThat(withdraw(item, first, care.nurse).status()).as("taken by a doctor, still open").isEqualTo(204);
    assertThat(node.api.post(path + "/complete", care.geriatrician,
        new JsonObject().put("report", "Vu.").put("outcome", "advice_given")).status()).isEqualTo(200);

    Api.Response closed = withdraw(item, second, care.nurse);
    assertThat(closed.status()).as(closed.toString()).isEqualTo(409);
    assertThat(closed.isProblem()).isTrue();
    assertThat(closed.detail()).isEqualTo("Cette téléconsultation est terminée ; une photo ou un document ne se retire que tant "
        + "que la demande est ouverte. Pour une demande close, adressez-vous à l’administrateur de Cantou.");
    assertThat(rowsOf(second)).containsExactly(1, 1);
    assertThat(withdraw(item, UUID.randomUUID().toString(), care.otherNurse).status()).as("rights before the file").isEqualTo(403);
  }

  @Test
  void retention_and_an_admins_erasure_delete_the_files_with_the_patient_fields() {
    JsonObject kept = care.create(request("geriatrie", "normal"));
    JsonObject old = care.create(request("geriatrie", "normal"));
    byte[] pdf = CareFiles.pdf(300_000);
    assertThat(upload(old, "ECG.pdf", pdf).status()).isEqualTo(201);
    assertThat(upload(kept, "ECG.pdf", pdf).status()).isEqualTo(201);
    node.api.post("/api/teleconsultations/" + old.getString("id") + "/cancel", care.nurse, null);
    clock.advance(Duration.ofDays(91));
    TestNode.await(node.node().runJobs());
    assertThat(held(old)).containsExactly(0, 0);
    assertThat(node.api.get("/api/teleconsultations/" + old.getString("id"), care.nurse).json().getJsonArray("files")).isEmpty();
    assertThat(held(kept)).as("an open request keeps them").containsExactly(1, 2);

    node.api.post("/api/teleconsultations/" + kept.getString("id") + "/cancel", care.nurse, null);
    JsonObject patient = new JsonObject().put("patientReference", kept.getJsonObject("patient").getString("reference"))
        .put("careHomeId", care.ehpadId).put("reason", "Demande de la famille du 2 décembre");
    var erased = node.api.post("/api/admin/personal-data/erasure", node.adminToken(), patient);
    assertThat(erased.status()).as(erased.toString()).isEqualTo(200);
    assertThat(held(kept)).containsExactly(0, 0);
  }

  /** The node's temporary upload files (received bodies and photos being cleaned). */
  static Set<Path> temporaryUploads() {
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files.filter(p -> p.getFileName().toString().startsWith("cantou-upload-")
          || p.getFileName().toString().startsWith("cantou-clean-")).collect(Collectors.toSet());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] chunked(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int at = 0; at < body.length; at += 64 * 1024) {
      int n = Math.min(64 * 1024, body.length - at);
      out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body, at, n);
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  /**
   * An upload over a plain socket, as a tablet on a weak link sends it: the headers, then
   * {@code body}; {@code cut}: the connection is closed right after (the body incomplete), else
   * the answer's first lines are read back (what was sent before the server stopped reading).
   */
  private String rawUpload(JsonObject item, String lengthHeader, byte[] body, boolean cut) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", node.port())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /api/teleconsultations/" + item.getString("id") + "/files HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Authorization: Bearer " + care.nurse + "\r\nContent-Type: application/octet-stream\r\nX-File-Name: ECG.pdf\r\n"
          + "Accept-Language: fr\r\n" + lengthHeader + "\r\n").getBytes(StandardCharsets.US_ASCII));
      try {
        out.write(body);
        out.flush();
      } catch (IOException closedByTheServer) {
        // The server answered and closed while the rest was still being sent.
      }
      if (cut) {
        return "";
      }
      InputStream in = socket.getInputStream();
      return new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
    }
  }
}
