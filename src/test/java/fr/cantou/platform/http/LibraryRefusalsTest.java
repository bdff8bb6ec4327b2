package fr.cantou.platform.http;

import com.fasterxml.jackson.core.type.TypeReference;
import fr.cantou.platform.json.Json;
import fr.cantou.support.Api;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.HttpException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 4xx that Vert.x or a library raises (an HttpException, with its own English text, maybe about its insides, or a
 * bare status) is told to the client in the project's words, French when asked: never the library's text.
 */
class LibraryRefusalsTest {
  /** What a library may say: English, and about its own insides. */
  private static final String LIBRARY_TEXT = "Error while decoding query params: io.netty.Decoder rejected index 68";
  private static final int[] STATUSES = {400, 401, 403, 404, 405, 406, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417,
      421, 422, 423, 428, 429, 431, 451};

  static Vertx vertx;
  static Api api;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.get("/thrown/:status").handler(ctx -> ctx.fail(new HttpException(Integer.parseInt(ctx.pathParam("status")),
        LIBRARY_TEXT)));
    router.get("/bare/:status").handler(ctx -> ctx.fail(Integer.parseInt(ctx.pathParam("status"))));
    router.route().failureHandler(new ProblemHandler());
    int port = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS).actualPort();
    api = new Api(port);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void a_libraries_refusal_is_told_in_the_projects_french_and_english_never_in_its_text() throws IOException {
    Map<String, String> french = french();
    for (int status : STATUSES) {
      for (String way : new String[] {"/thrown/", "/bare/"}) {
        Api.Response english = api.send("GET", way + status, null, null, Map.of("Accept-Language", "en"));
        Api.Response inFrench = api.send("GET", way + status, null, null, Map.of("Accept-Language", "fr"));
        assertThat(english.status()).isEqualTo(status);
        assertThat(english.isProblem()).as(english.toString()).isTrue();
        String sentence = english.detail();
        assertThat(sentence).as(english.toString()).doesNotContain("decoding", "netty", "index");
        assertThat(french).as("a sentence of the project, with its French: " + english).containsKey(sentence);
        assertThat(inFrench.detail()).as(inFrench.toString()).isEqualTo(french.get(sentence));
      }
    }
  }

  @Test
  void each_common_refusal_says_what_it_is_about() {
    assertThat(detail(405, "fr")).isEqualTo("Cette méthode n’est pas permise ici.");
    assertThat(detail(413, "fr")).isEqualTo("Le corps de la requête dépasse la taille acceptée par le serveur.");
    assertThat(detail(400, "fr")).isEqualTo("La requête est mal formée et n’a pas pu être lue.");
    assertThat(detail(415, "fr")).isEqualTo("Ce type de contenu n’est pas accepté ici.");
    assertThat(detail(429, "fr")).isEqualTo("Trop de requêtes ; patientez un instant avant de réessayer.");
  }

  private static String detail(int status, String language) {
    return api.send("GET", "/thrown/" + status, null, null, Map.of("Accept-Language", language)).detail();
  }

  private static Map<String, String> french() throws IOException {
    JsonObject file = new JsonObject(Files.readString(Path.of("src/main/resources/problems/fr.json")));
    return Json.mapper().convertValue(file.getJsonObject("texts").getMap(), new TypeReference<>() {});
  }
}
