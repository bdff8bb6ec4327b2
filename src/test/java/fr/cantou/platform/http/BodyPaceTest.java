package fr.cantou.platform.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A streamed body (a photo to disk, a camera frame in memory) must come at the node's pace: within the grace of its
 * start, plus a second for each {@code minBytesPerSecond} received. Slower, it is cut with 408 and leaves no file; at
 * any pace above the floor it comes whole, however long past the grace. Here: a grace of 1 s, a floor of 1,000 B/s. The
 * chunked, disk and stalling phone cases come from the outside review r22's attacks, which held.
 */
class BodyPaceTest {
  private static final BodyPace PACE = new BodyPace(Duration.ofSeconds(1), 1_000);
  private static final ApiException TOO_LARGE = ApiException.badRequest("too large");

  private Vertx vertx;
  private int port;
  private final CompletableFuture<Object> outcome = new CompletableFuture<>();

  @BeforeEach
  void listen() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      ctx.request().pause();
      PACE.attachTo(ctx);
      ctx.next();
    });
    router.post("/file").handler(ctx -> read(ctx, StreamedBody.toTemporaryFile(ctx, 200L * 1024 * 1024, TOO_LARGE)
        .map(path -> size(path))));
    router.post("/frame").handler(ctx -> read(ctx, StreamedBody.inMemory(ctx, 1_000_000, TOO_LARGE)
        .map(body -> (long) body.length())));
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0)
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    port = server.actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** What the node's RequestBodies does before a streamed route: the body left unread, the pace set. */
  private void read(RoutingContext ctx, Future<Long> body) {
    body.onComplete(ar -> {
      outcome.complete(ar.succeeded() ? ar.result() : ar.cause());
      ctx.response().setStatusCode(ar.succeeded() ? 201 : 400).end();
    });
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/file", "/frame"})
  void a_body_dripping_below_the_floor_is_cut_with_408_and_leaves_no_file(String path) throws Exception {
    Set<Path> before = temporaryUploads();
    AtomicLong sent = new AtomicLong();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(head(path, 100_000));
      // A byte each 100 ms (10 B/s): never idle, far below the floor. Until the node cuts it.
      Thread drip = new Thread(() -> {
        try {
          while (!outcome.isDone()) {
            out.write(0x42);
            out.flush();
            sent.incrementAndGet();
            Thread.sleep(100);
          }
        } catch (IOException | InterruptedException e) {
          // Cut by the node.
        }
      });
      drip.setDaemon(true);
      drip.start();
      Object result = outcome.get(30, TimeUnit.SECONDS);
      assertThat(result).as("after %d bytes", sent.get()).isInstanceOfSatisfying(ApiException.class,
          e -> assertThat(e.status()).isEqualTo(408));
    }
    assertThat(temporaryUploads()).isEqualTo(before);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/file", "/frame"})
  void a_slow_body_above_the_floor_comes_whole_long_past_the_grace(String path) throws Exception {
    int length = 12_000;
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(head(path, length));
      out.flush();
      // 200 bytes each 50 ms (4,000 B/s, four times the floor): 3 s, three times the grace.
      for (int sent = 0; sent < length; sent += 200) {
        out.write(new byte[200]);
        out.flush();
        Thread.sleep(50);
      }
      assertThat(outcome.get(30, TimeUnit.SECONDS)).isEqualTo((long) length);
    }
  }

  /**
   * Chunked, a byte of data a chunk and 200 bytes of chunk extension around it (the connection busy at 2 kB/s, the body
   * at 10 B/s): only the body's bytes count, so it is cut.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/file", "/frame"})
  void a_chunked_body_padded_with_chunk_extensions_is_paced_by_its_data_alone(String path) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST " + path + " HTTP/1.1\r\nHost: cantou\r\nTransfer-Encoding: chunked\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      // Netty refuses chunk extensions (InvalidChunkExtensionException, the connection closed): leading zeros then.
      String padded = "0".repeat(190) + "1\r\nB\r\n";
      Thread drip = new Thread(() -> {
        try {
          while (!outcome.isDone()) {
            out.write(padded.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(100);
          }
        } catch (IOException | InterruptedException e) {
          // cut
        }
      });
      drip.setDaemon(true);
      drip.start();
      assertThat(outcome.get(30, TimeUnit.SECONDS)).isInstanceOfSatisfying(ApiException.class,
          e -> assertThat(e.status()).isEqualTo(408));
    }
  }

  /**
   * 96 MiB sent as fast as the loopback takes it: the file's write queue fills again and again (suspend, drain,
   * resume), and the body still comes whole — no lost resume, no cut for the disk's slowness.
   */
  @Test
  void a_body_faster_than_the_disk_comes_whole_through_every_pause_for_the_disk() throws Exception {
    long length = 96L * 1024 * 1024;
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /file HTTP/1.1\r\nHost: cantou\r\nContent-Length: " + length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      byte[] piece = new byte[256 * 1024];
      for (long sent = 0; sent < length; sent += piece.length) {
        out.write(piece);
      }
      out.flush();
      assertThat(outcome.get(60, TimeUnit.SECONDS)).isEqualTo(length);
    }
  }

  /**
   * A phone on a rural line: silent 0.7 s at the start (within the 1 s grace), 8 kB/s for a second, then a stall of
   * 5 s (inside the 8 s it banked), then the rest: it comes whole, never cut.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/file", "/frame"})
  void a_slow_phone_stalling_at_its_start_and_late_is_never_cut(String path) throws Exception {
    int length = 16_000;
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST " + path + " HTTP/1.1\r\nHost: cantou\r\nContent-Length: " + length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Thread.sleep(700);
      for (int sent = 0; sent < length; sent += 400) {
        if (sent == 8_000) {
          Thread.sleep(5_000);
        }
        out.write(new byte[400]);
        out.flush();
        Thread.sleep(50);
      }
      assertThat(outcome.get(30, TimeUnit.SECONDS)).isEqualTo((long) length);
    }
  }

  private static long size(Path path) {
    try {
      long size = Files.size(path);
      Files.delete(path);
      return size;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static byte[] head(String path, int length) {
    return ("POST " + path + " HTTP/1.1\r\nHost: cantou\r\nContent-Length: " + length + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static Set<Path> temporaryUploads() throws IOException {
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files.filter(p -> p.getFileName().toString().startsWith("cantou-upload-")).collect(Collectors.toSet());
    }
  }
}
