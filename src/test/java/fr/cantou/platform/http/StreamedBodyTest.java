package fr.cantou.platform.http;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
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
 * A body whose client went away before the server began to read it (its checks — rights, the database — took
 * longer than the client stayed) fails at once and leaves no temporary file. Found on 3 December 2026 when the
 * node moved to epoll: the close came before the reading started, so no close was ever heard and the file stayed.
 */
class StreamedBodyTest {
  private static final ApiException TOO_LARGE = ApiException.badRequest("too large");

  private Vertx vertx;
  private HttpServer server;
  private final CompletableFuture<Throwable> outcome = new CompletableFuture<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    Router router = Router.router(vertx);
    router.post("/upload").handler(ctx -> {
      ctx.request().pause();
      // The reading starts only once the client is gone, as when a slow check outlasts it.
      ctx.response().closeHandler(v -> StreamedBody.toTemporaryFile(ctx, 1_000_000, TOO_LARGE)
          .onComplete(ar -> outcome.complete(ar.succeeded() ? null : ar.cause())));
    });
    server = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void a_body_whose_client_left_before_it_was_read_fails_and_leaves_no_temporary_file() throws Exception {
    Set<Path> before = temporaryUploads();
    try (Socket socket = new Socket("127.0.0.1", server.actualPort())) {
      String head = "POST /upload HTTP/1.1\r\nHost: cantou\r\nContent-Length: 100000\r\n\r\n";
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(new byte[20_000]);
      socket.getOutputStream().flush();
    }
    // Without the check, the reading waited for a close already past: this future never completed.
    Throwable failure = outcome.get(20, TimeUnit.SECONDS);
    assertThat(failure).isInstanceOf(StreamedBody.Truncated.class);
    assertThat(temporaryUploads()).isEqualTo(before);
  }

  private static Set<Path> temporaryUploads() throws IOException {
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files.filter(p -> p.getFileName().toString().startsWith("cantou-upload-")).collect(Collectors.toSet());
    }
  }
}
