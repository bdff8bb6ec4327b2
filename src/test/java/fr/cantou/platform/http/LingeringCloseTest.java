package fr.cantou.platform.http;

import fr.cantou.support.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection answered before its body was read closes once the rest of the body has come (the client then hears
 * the answer, no reset), or after its linger if the body never ends. Each case sets a linger that the other would
 * need to pass: without the close at the body's end, the first waits ten minutes; without the timer, the second for
 * ever (both cut by the socket's 20-s read limit).
 */
class LingeringCloseTest {
  private static final int BODY = 3 * 1024 * 1024;

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void the_connection_closes_as_soon_as_the_refused_body_has_all_come() throws Exception {
    int port = refusing(600_000);
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(head(BODY));
      InputStream in = socket.getInputStream();
      assertThat(RawHttp.answer(in)).startsWith("HTTP/1.1 413");
      byte[] piece = new byte[64 * 1024];
      for (int sent = 0; sent < BODY; sent += piece.length) {
        out.write(piece);
      }
      out.flush();
      assertThat(in.read()).as("closed at the body's end").isEqualTo(-1);
    }
  }

  @Test
  void a_body_that_never_ends_has_its_connection_closed_after_the_linger() throws Exception {
    int port = refusing(100);
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write(head(BODY));
      socket.getOutputStream().write(new byte[1000]);
      InputStream in = socket.getInputStream();
      assertThat(RawHttp.answer(in)).startsWith("HTTP/1.1 413");
      assertThat(in.read()).as("closed, the body still owed").isEqualTo(-1);
    }
  }

  /** A server that answers 413 before reading anything, as RequestBodies' streamed operations may, then lingers. */
  private int refusing(long lingerMillis) throws Exception {
    HttpServer server = vertx.createHttpServer().requestHandler(request -> {
      request.pause();
      request.response().setStatusCode(413).putHeader("Connection", "close").end("too large")
          .onComplete(v -> lingerUnlessEnded(request, lingerMillis));
    }).listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return server.actualPort();
  }

  private void lingerUnlessEnded(HttpServerRequest request, long lingerMillis) {
    if (!request.isEnded()) {
      LingeringClose.after(vertx, request, lingerMillis);
    }
  }

  private static byte[] head(int length) {
    return ("POST /upload HTTP/1.1\r\nHost: cantou\r\nContent-Type: application/octet-stream\r\nContent-Length: " + length
        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }
}
