package fr.cantou.teleconsult;

import fr.cantou.support.Api;
import fr.cantou.support.CareNodeTest;
import fr.cantou.support.CareTerritory;
import fr.cantou.support.Eventually;
import fr.cantou.support.RawHttp;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A nurse's tablet (or a script with her session, or a stolen token) sending dozens of photos at once cannot tie up the
 * node's two photo workers: she has 2 uploads under way at most (teleconsult.fileUploadsPerUser), one more is answered
 * 429 at once, before its body is read; the node holds 2 + 1 here (teleconsult.fileUploadsWaiting = 1), past that 503.
 * Every way an upload ends gives its places back. Uploads are held in flight at the service's seam (after the body,
 * before the checks on the workers), never by timing.
 */
class CareFileUploadBoundsTest extends CareNodeTest {
  private static final byte[] PNG = CareFiles.encode(CareFiles.picture(8, 8), "png");
  private final Hold hold = new Hold();

  @BeforeEach
  @Override
  protected void startNode() {
    node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_TELECONSULT_FILE_UPLOADS_PER_USER", "2",
        "CANTOU_TELECONSULT_FILE_UPLOADS_WAITING", "1"), clock);
    care = new CareTerritory(node);
    node.node().teleconsult().careFiles.beforeChecks(hold);
  }

  @AfterEach
  void letGo() {
    hold.count = 0;
    hold.release();
  }

  @Test
  void a_nurse_has_two_uploads_under_way_at_most_the_next_is_refused_at_once_with_429_before_its_body_is_read() throws Exception {
    JsonObject item = care.create(request("geriatrie", "normal"));
    Set<Path> before = CareFilesTest.temporaryUploads();
    hold.count = 2;
    List<CompletableFuture<Api.Response>> mine = List.of(uploadLater(item, care.nurse, "plaie 1.png"),
        uploadLater(item, care.nurse, "plaie 2.png"));
    Eventually.until("her two uploads are under way, held before their checks", () -> hold.waiting.size() == 2);
    Set<Path> received = CareFilesTest.temporaryUploads();
    assertThat(received).as("the two bodies received").hasSize(before.size() + 2);

    // The third: its headers only, its body never sent. Were its body awaited, no answer would come.
    String answer = headersOnly(item, care.nurse);
    assertThat(answer).startsWith("HTTP/1.1 429").containsIgnoringCase("retry-after: 5")
        .containsIgnoringCase("content-type: application/problem+json")
        .contains("Vos autres fichiers sont encore en cours d’envoi ; patientez un instant qu’ils soient arrivés, puis "
            + "renvoyez celui-ci.");
    Api.Response third = upload(item, care.nurse, "plaie 3.png");
    assertThat(third.status()).isEqualTo(429);
    assertThat(third.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(CareFilesTest.temporaryUploads()).as("nothing written for the refused ones").isEqualTo(received);
    assertThat(CareFiles.held(node, item)).as("no row for them").containsExactly(0, 0);

    hold.release();
    for (CompletableFuture<Api.Response> upload : mine) {
      assertThat(upload.join().status()).as(upload.join().toString()).isEqualTo(201);
    }
    assertThat(CareFiles.held(node, item)[0]).as("exactly the two under way stored").isEqualTo(2);
    assertThat(upload(item, care.nurse, "plaie 3.png").status()).as("their places given back once stored").isEqualTo(201);
    Eventually.until("no temporary file is left", () -> CareFilesTest.temporaryUploads().equals(before));
  }

  @Test
  void a_colleague_is_not_held_back_by_a_nurses_uploads_under_way() {
    JsonObject item = care.create(request("geriatrie", "normal"));
    String colleague = care.token(care.user("marie.vidal@murat.test", "nurse", "Marie Vidal", care.ehpadId, null));
    hold.count = 2;
    List<CompletableFuture<Api.Response>> mine = List.of(uploadLater(item, care.nurse, "plaie 1.png"),
        uploadLater(item, care.nurse, "plaie 2.png"));
    Eventually.until("her two uploads are under way", () -> hold.waiting.size() == 2);
    assertThat(upload(item, care.nurse, "plaie 3.png").status()).isEqualTo(429);

    Api.Response hers = upload(item, colleague, "escarre.png");
    assertThat(hers.status()).as("the colleague's photo goes while the first nurse's two are under way: " + hers)
        .isEqualTo(201);
    assertThat(hold.waiting).hasSize(2);

    hold.release();
    mine.forEach(upload -> assertThat(upload.join().status()).isEqualTo(201));
    assertThat(CareFiles.held(node, item)[0]).isEqualTo(3);
  }

  @Test
  void a_client_gone_mid_upload_gives_its_place_back() throws Exception {
    JsonObject item = care.create(request("geriatrie", "normal"));
    Set<Path> before = CareFilesTest.temporaryUploads();
    byte[] pdf = CareFiles.pdf(300_000);
    try (Socket first = new Socket("127.0.0.1", node.port()); Socket second = new Socket("127.0.0.1", node.port())) {
      // Two uploads whose bodies are half sent (a tablet on a weak link): both under way, receiving.
      halfSent(first, item, pdf);
      halfSent(second, item, pdf);
      Eventually.until("both bodies are being received", () -> CareFilesTest.temporaryUploads().size() == before.size() + 2);
      assertThat(upload(item, care.nurse, "plaie.png").status()).as("her two places are taken").isEqualTo(429);

      first.close();
      Set<Integer> answers = new HashSet<>();
      Eventually.until("the cut upload's place is given back: a later upload is accepted", () -> {
        int status = upload(item, care.nurse, "plaie.png").status();
        answers.add(status);
        return status == 201;
      });
      assertThat(answers).as("refused while the cut upload still held its place, then accepted").isSubsetOf(429, 201);
    }
    Eventually.until("the second cut upload's place is given back too",
        () -> upload(item, care.nurse, "rougeur.png").status() == 201);
    Eventually.until("no temporary file is left", () -> CareFilesTest.temporaryUploads().equals(before));
    assertThat(CareFiles.held(node, item)[0]).as("the two accepted, nothing of the cut ones").isEqualTo(2);
  }

  @Test
  void past_the_nodes_queue_an_upload_is_refused_at_once_with_503_and_nothing_is_written() throws Exception {
    JsonObject item = care.create(request("geriatrie", "normal"));
    String colleague = care.token(care.user("marie.vidal@murat.test", "nurse", "Marie Vidal", care.ehpadId, null));
    JsonObject elsewhere = node.api.post("/api/teleconsultations", care.otherNurse, request("geriatrie", "normal")).json();
    Set<Path> before = CareFilesTest.temporaryUploads();
    hold.count = 3;
    List<CompletableFuture<Api.Response>> held = List.of(uploadLater(item, care.nurse, "plaie 1.png"),
        uploadLater(item, care.nurse, "plaie 2.png"), uploadLater(item, colleague, "escarre.png"));
    Eventually.until("the node holds its two at the workers and its one waiting", () -> hold.waiting.size() == 3);
    Set<Path> received = CareFilesTest.temporaryUploads();

    // The colleague has one upload under way, one place of her own left: the node's queue refuses, its body unread.
    String answer = headersOnly(item, colleague);
    assertThat(answer).startsWith("HTTP/1.1 503").containsIgnoringCase("retry-after: 5")
        .containsIgnoringCase("content-type: application/problem+json")
        .contains("Le service est occupé : il reçoit beaucoup de photos et de documents en ce moment ; renvoyez le vôtre "
            + "dans un instant.");
    Api.Response other = upload(elsewhere, care.otherNurse, "genou.png");
    assertThat(other.status()).as("another care home's nurse too: " + other).isEqualTo(503);
    assertThat(other.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(CareFilesTest.temporaryUploads()).as("nothing written for the refused ones").isEqualTo(received);
    assertThat(CareFiles.held(node, elsewhere)).containsExactly(0, 0);

    hold.release();
    held.forEach(upload -> assertThat(upload.join().status()).isEqualTo(201));
    assertThat(upload(elsewhere, care.otherNurse, "genou.png").status()).as("the node's places given back").isEqualTo(201);
    Eventually.until("no temporary file is left", () -> CareFilesTest.temporaryUploads().equals(before));
  }

  /** The seam's step: the next {@code count} uploads wait there until the test lets them go; the others pass. */
  private static final class Hold implements Supplier<Future<Void>> {
    volatile int count;
    final List<Runnable> waiting = new CopyOnWriteArrayList<>();

    @Override
    public synchronized Future<Void> get() {
      if (waiting.size() >= count) {
        return Future.succeededFuture();
      }
      // Let go on the upload's own context, where it stopped.
      Context context = Vertx.currentContext();
      Promise<Void> goOn = Promise.promise();
      waiting.add(() -> context.runOnContext(v -> goOn.tryComplete()));
      return goOn.future();
    }

    void release() {
      new ArrayList<>(waiting).forEach(Runnable::run);
    }
  }

  private Api.Response upload(JsonObject item, String token, String name) {
    return node.api.overHttp1().sendBytes("POST", "/api/teleconsultations/" + item.getString("id") + "/files", token, PNG,
        Map.of("Content-Type", "application/octet-stream", "X-File-Name", name.replace(" ", "%20"), "Accept-Language", "fr"));
  }

  private CompletableFuture<Api.Response> uploadLater(JsonObject item, String token, String name) {
    return CompletableFuture.supplyAsync(() -> upload(item, token, name));
  }

  private static String head(JsonObject item, String token, long length) {
    return "POST /api/teleconsultations/" + item.getString("id") + "/files HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Authorization: Bearer " + token + "\r\nContent-Type: application/octet-stream\r\nX-File-Name: photo.jpg\r\n"
        + "Accept-Language: fr\r\nContent-Length: " + length + "\r\n\r\n";
  }

  /** An upload's headers, announcing 500 kB, and not one byte of its body: the answer, which must come all the same. */
  private String headersOnly(JsonObject item, String token) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", node.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(head(item, token, 500_000).getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      return RawHttp.answer(socket.getInputStream());
    }
  }

  /** The headers and the first half of {@code body}, the connection left open. */
  private void halfSent(Socket socket, JsonObject item, byte[] body) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(head(item, care.nurse, body.length).getBytes(StandardCharsets.US_ASCII));
    out.write(body, 0, body.length / 2);
    out.flush();
  }
}
