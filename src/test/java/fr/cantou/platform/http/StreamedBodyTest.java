package fr.cantou.platform.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request body whose client went away fails and leaves nothing behind, on Linux's epoll (the node's transport) as
 * on Java NIO (its fallback): found on 3 December 2026 when the node moved to epoll, which reads a paused connection
 * to its end once the peer closes — the close then came before the reading started, was never heard again, and the
 * upload's temporary file stayed.
 */
class StreamedBodyTest {
  private static final ApiException TOO_LARGE = ApiException.badRequest("too large");

  private Vertx vertx;

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest(name = "native transport preferred: {0}")
  @ValueSource(booleans = {true, false})
  void a_body_whose_client_left_before_it_was_read_fails_and_leaves_no_temporary_file(boolean nativeTransport)
      throws Exception {
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Router router = router(nativeTransport);
    router.post("/upload").handler(ctx -> {
      ctx.request().pause();
      new BodyPace(java.time.Duration.ofSeconds(30), 1_000).attachTo(ctx);
      // The reading starts only once the client is gone, as when a slow check outlasts it.
      ctx.response().closeHandler(v -> StreamedBody.toTemporaryFile(ctx, 1_000_000, TOO_LARGE)
          .onComplete(ar -> outcome.complete(ar.succeeded() ? null : ar.cause())));
    });
    int port = listen(router);
    Set<Path> before = temporaryUploads();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.getOutputStream().write(head(100_000));
      socket.getOutputStream().write(new byte[20_000]);
      socket.getOutputStream().flush();
    }
    // Without the check, the reading waited for a close already past: this future never completed.
    Throwable failure = outcome.get(20, TimeUnit.SECONDS);
    assertThat(failure).isInstanceOf(StreamedBody.Truncated.class);
    assertThat(temporaryUploads()).isEqualTo(before);
  }

  @ParameterizedTest(name = "native transport preferred: {0}")
  @ValueSource(booleans = {true, false})
  void a_body_cut_off_is_answered_by_nothing_and_logged_as_no_error_of_the_node(boolean nativeTransport) throws Exception {
    Router router = router(nativeTransport);
    router.post("/upload").handler(ctx -> ctx.fail(new StreamedBody.Truncated(new HttpClosedException("connection closed"))));
    router.route().failureHandler(new ProblemHandler());
    int port = listen(router);
    ch.qos.logback.classic.Logger problems = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ProblemHandler.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    problems.addAppender(lines);
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      // Connection: close, so that an answer (a 500 before the fix) ends the stream and is read here.
      socket.getOutputStream().write(("POST /upload HTTP/1.1\r\nHost: cantou\r\nConnection: close\r\nContent-Length: 10\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      // The connection ends without an answer (a 500 before the fix): end of stream, or reset.
      byte[] answer;
      try (InputStream in = socket.getInputStream()) {
        answer = in.readAllBytes();
      } catch (java.net.SocketException reset) {
        answer = new byte[0];
      }
      assertThat(new String(answer, StandardCharsets.ISO_8859_1)).isEmpty();
    } finally {
      problems.detachAppender(lines);
    }
    assertThat(fr.cantou.support.LogLines.of(lines)).noneMatch(line -> line.getLevel().isGreaterOrEqual(Level.WARN));
  }

  private Router router(boolean nativeTransport) {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(nativeTransport));
    return Router.router(vertx);
  }

  private int listen(Router router) throws Exception {
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    return server.actualPort();
  }

  private static byte[] head(int length) {
    return ("POST /upload HTTP/1.1\r\nHost: cantou\r\nContent-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  private static Set<Path> temporaryUploads() throws IOException {
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files.filter(p -> p.getFileName().toString().startsWith("cantou-upload-")).collect(Collectors.toSet());
    }
  }
}
