package fr.cantou.teleconsult;

import fr.cantou.support.Api;
import fr.cantou.support.CareNodeTest;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The report leaves with the nurse (issue 16, item 5): a closed request as one PDF, made on the
 * server, holding who asked and who answered and when, the reason, the vital signs, the exchange,
 * the doctor's opinion and a thumbnail per photo; to the care home's nurses and the doctor who
 * handled it, once closed; each download audited; after the retention, a document that says the
 * data is erased.
 */
class CareReportTest extends CareNodeTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String OPINION = "Soins locaux, pansement hydrocolloïde, revoir à 7 jours.";
  /** What another process (or a run killed midway) left in the temporary directory: not this node's to clean. */
  private Set<Path> reportsBefore;

  @BeforeEach
  void noteTheReportsAlreadyThere() {
    reportsBefore = temporaryReports();
  }

  private void noTemporaryReportLeft() {
    fr.cantou.support.Eventually.until("no temporary file left once sent",
        () -> temporaryReports().stream().allMatch(reportsBefore::contains));
  }

  private String path(JsonObject item, String suffix) {
    return "/api/teleconsultations/" + item.getString("id") + suffix;
  }

  private Api.Response upload(JsonObject item, String name, byte[] bytes) {
    Api.Response added = node.api.overHttp1().sendBytes("POST", path(item, "/files"), care.nurse, bytes,
        Map.of("Content-Type", "application/octet-stream", "X-File-Name", name));
    assertThat(added.status()).as(added.toString()).isEqualTo(201);
    return added;
  }

  /** The report as a reader gets it: bytes and headers. */
  private HttpResponse<byte[]> report(JsonObject item, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.api.base() + path(item, "/report.pdf")))
        .header("Accept-Language", "fr").timeout(Duration.ofSeconds(60)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A written opinion with a blood pressure and a temperature, taken by the geriatrician. */
  private JsonObject opinionWithVitalSigns() {
    JsonObject item = care.create(request("geriatrie", "normal").put("kind", "opinion")
        .put("reason", "Rougeur du talon, œdème « léger » à l’angle")
        .put("vitalSigns", new JsonObject().put("bloodPressure", new JsonObject().put("systolic", 145).put("diastolic", 85))
            .put("temperature", 38.4)));
    assertThat(node.api.post(path(item, "/claim"), care.geriatrician, null).status()).isEqualTo(200);
    return item;
  }

  private void close(JsonObject item) {
    var done = node.api.post(path(item, "/complete"), care.geriatrician,
        new JsonObject().put("report", OPINION).put("outcome", "advice_given"));
    assertThat(done.status()).as(done.toString()).isEqualTo(200);
  }

  @Test
  void the_closed_opinion_is_one_pdf_with_its_reason_vital_signs_exchange_opinion_and_a_thumbnail_per_photo() throws Exception {
    JsonObject item = opinionWithVitalSigns();
    upload(item, "talon.jpg", CareFiles.photoWithGps(800, 600, 6));
    upload(item, "talon2.png", CareFiles.encode(CareFiles.picture(300, 200), "png"));
    upload(item, "ECG.pdf", CareFiles.pdf(3000));
    assertThat(node.api.post(path(item, "/messages"), care.geriatrician,
        new JsonObject().put("text", "La plaie suinte-t-elle ?")).status()).isEqualTo(200);
    assertThat(node.api.post(path(item, "/messages"), care.nurse,
        new JsonObject().put("text", "Non, fond propre, pas d’odeur.")).status()).isEqualTo(200);
    close(item);

    HttpResponse<byte[]> got = report(item, care.nurse);
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(got.headers().firstValue("Content-Type")).hasValue("application/pdf");
    assertThat(got.headers().firstValue("Cache-Control")).hasValue("no-store");
    String disposition = got.headers().firstValue("Content-Disposition").orElseThrow();
    assertThat(disposition).as("the request's number and the day it closed, nothing of the resident")
        .matches("attachment; filename=\"cantou-compte-rendu-[0-9a-f]{8}-\\d{4}-\\d{2}-\\d{2}\\.pdf\".*")
        .startsWith("attachment; filename=\"cantou-compte-rendu-" + item.getString("id").substring(0, 8))
        .doesNotContain(item.getJsonObject("patient").getString("reference"));
    try (PDDocument pdf = Loader.loadPDF(got.body())) {
      String text = CareFiles.textOf(pdf);
      assertThat(text).contains("Compte rendu de téléexpertise (avis écrit)")
          .contains("Établissement demandeur : EHPAD Les Estives")
          .contains("Infirmière : Sophie Delmas")
          .contains("Médecin : Dr Mercier")
          .contains("Spécialité : Gériatrie")
          .contains(item.getJsonObject("patient").getString("reference"))
          .as("the accents, œ, « » and ’ as typed").contains("Rougeur du talon, œdème « léger » à l’angle")
          .contains("tension 145/85 mmHg").contains("température 38,4 °C")
          .contains("La plaie suinte-t-elle ?").contains("Non, fond propre, pas d’odeur.")
          .contains("Document 3 : ECG.pdf")
          .contains("Avis du médecin").contains(OPINION).contains("Conclusion : Conseils donnés");
      assertThat(CareFiles.imagesIn(pdf)).as("a thumbnail per photo, none for the PDF").isEqualTo(2);
      // For the eye of a reviewer, as the pages' screenshots are.
      Files.createDirectories(Path.of("target", "screenshots"));
      javax.imageio.ImageIO.write(new org.apache.pdfbox.rendering.PDFRenderer(pdf).renderImageWithDPI(0, 72),
          "png", Path.of("target", "screenshots", "compte-rendu-page-1.png").toFile());
    }

    HttpResponse<byte[]> doctors = report(item, care.geriatrician);
    assertThat(doctors.statusCode()).as("the doctor who handled it").isEqualTo(200);
    var accesses = TestNode.await(new HealthDataAccessStore().accesses(node.node().platform().pool(),
        UUID.fromString(item.getString("id"))));
    assertThat(accesses.stream().filter(a -> "report".equals(a.action())).map(a -> a.userId().toString()))
        .as("each download audited, by whom").hasSize(2).contains(care.geriatricianId);
    noTemporaryReportLeft();
  }

  @Test
  void only_the_care_homes_nurses_and_the_doctor_who_handled_it_get_it_and_only_once_closed() {
    JsonObject item = opinionWithVitalSigns();
    HttpResponse<byte[]> early = report(item, care.nurse);
    assertThat(early.statusCode()).as("still open").isEqualTo(409);
    assertThat(new JsonObject(new String(early.body(), java.nio.charset.StandardCharsets.UTF_8)).getString("detail"))
        .isEqualTo("Cette téléconsultation est prise en charge ; son compte rendu se télécharge une fois que le médecin l’a close.");
    close(item);
    assertThat(report(item, care.otherNurse).statusCode()).as("a nurse of another care home").isEqualTo(403);
    assertThat(report(item, care.cardiologist).statusCode()).as("a doctor of another specialty").isEqualTo(403);
    assertThat(report(item, care.generalPractitioner).statusCode()).isEqualTo(403);
    assertThat(report(item, node.adminToken()).statusCode()).as("an admin: the same rule as the item").isEqualTo(403);
    assertThat(report(item, null).statusCode()).isEqualTo(401);
    assertThat(node.api.get("/api/teleconsultations/" + UUID.randomUUID() + "/report.pdf", care.nurse).status()).isEqualTo(404);

    JsonObject cancelled = care.create(request("geriatrie", "normal"));
    node.api.post(path(cancelled, "/cancel"), care.nurse, null);
    assertThat(report(cancelled, care.nurse).statusCode()).as("cancelled: no report").isEqualTo(409);
    var accesses = TestNode.await(new HealthDataAccessStore().accesses(node.node().platform().pool(),
        UUID.fromString(item.getString("id"))));
    assertThat(accesses).as("a refusal reads nothing").noneMatch(a -> "report".equals(a.action()));
  }

  @Test
  void after_the_retention_the_document_says_the_health_data_is_erased() throws Exception {
    JsonObject item = opinionWithVitalSigns();
    upload(item, "talon.jpg", CareFiles.photoWithGps(80, 60, 1));
    close(item);
    clock.advance(Duration.ofDays(91));
    TestNode.await(node.node().runJobs());

    HttpResponse<byte[]> got = report(item, care.nurse);
    assertThat(got.statusCode()).isEqualTo(200);
    try (PDDocument pdf = Loader.loadPDF(got.body())) {
      String text = CareFiles.textOf(pdf);
      assertThat(text).contains("Données de santé effacées").contains("ont été effacées le")
          .contains("Infirmière : Sophie Delmas").contains("Médecin : Dr Mercier")
          .doesNotContain("Rougeur").doesNotContain("145/85").doesNotContain(OPINION)
          .doesNotContain(item.getJsonObject("patient").getString("reference"));
      assertThat(CareFiles.imagesIn(pdf)).isZero();
    }
  }

  /**
   * Ten photos of 2400 × 1800 pixels: the thumbnails are decoded and the PDF written on workers;
   * the node's watch (TestNode.close) fails the test if an event loop was held 500 ms meanwhile.
   */
  @Test
  void a_report_with_ten_large_photos_is_made_without_blocking_an_event_loop() throws Exception {
    JsonObject item = opinionWithVitalSigns();
    Random noise = new Random(16);
    for (int i = 0; i < 10; i++) {
      upload(item, "photo-" + i + ".jpg", CareFiles.encode(noisy(2400, 1800, noise), "jpeg"));
    }
    close(item);
    HttpResponse<byte[]> got = report(item, care.nurse);
    assertThat(got.statusCode()).isEqualTo(200);
    try (PDDocument pdf = Loader.loadPDF(got.body())) {
      assertThat(CareFiles.imagesIn(pdf)).isEqualTo(10);
      assertThat(CareFiles.textOf(pdf)).contains("Photos (10)").contains("Photo 10, ajoutée le");
    }
    noTemporaryReportLeft();
  }

  /** A picture a JPEG encoder cannot make small: blocks of random colours. */
  private static BufferedImage noisy(int width, int height, Random random) {
    BufferedImage image = CareFiles.picture(width, height);
    for (int y = 0; y < height; y += 4) {
      for (int x = 0; x < width; x += 4) {
        int rgb = random.nextInt(0x1000000);
        for (int dy = 0; dy < 4 && y + dy < height; dy++) {
          for (int dx = 0; dx < 4 && x + dx < width; dx++) {
            image.setRGB(x + dx, y + dy, rgb);
          }
        }
      }
    }
    return image;
  }

  /** The node's temporary report files (photos being made small, PDFs being sent). */
  static Set<Path> temporaryReports() {
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files.filter(p -> p.getFileName().toString().startsWith("cantou-report-")).collect(Collectors.toSet());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
