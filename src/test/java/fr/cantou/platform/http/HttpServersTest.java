package fr.cantou.platform.http;

import fr.cantou.support.TestNode;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static fr.cantou.support.RawHttp.head;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node speaks HTTP/1.1 only: a request asking for a cleartext HTTP/2 upgrade (h2c) is
 * answered in HTTP/1.1 on a connection that stays HTTP/1.1. With the servers' strict thread mode
 * (HttpServers), an h2c upgrade let an answer's HTTP/1.1 bytes reach the client inside HTTP/2.
 */
class HttpServersTest {

  @Test
  void a_request_asking_for_h2c_is_answered_in_http_1_1_and_the_connection_stays_http_1_1() throws Exception {
    try (TestNode node = TestNode.start();
         Socket socket = new Socket("127.0.0.1", node.port())) {
      socket.setSoTimeout(20_000);
      String upgrade = "GET /openapi.yaml HTTP/1.1\r\nHost: cantou\r\nConnection: Upgrade, HTTP2-Settings\r\n"
          + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n";
      socket.getOutputStream().write(upgrade.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      String first = head(in);
      assertThat(first).startsWith("HTTP/1.1 200");
      skipBody(in, first);
      // The same connection, still HTTP/1.1: a second request gets an HTTP/1.1 answer, not HTTP/2 frames.
      socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: cantou\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      assertThat(head(in)).startsWith("HTTP/1.1 200");

      // Java's client asked for HTTP/2: it asks for h2c and goes on in HTTP/1.1.
      HttpResponse<String> answer = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
          .connectTimeout(Duration.ofSeconds(5)).build()
          .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/openapi.yaml")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    }
  }

  /** Reads the body that follows this head: its Content-Length, or its chunks. */
  private static void skipBody(InputStream in, String head) throws Exception {
    String lower = head.toLowerCase(java.util.Locale.ROOT);
    int at = lower.indexOf("content-length:");
    if (at >= 0) {
      int length = Integer.parseInt(lower.substring(at + 15, lower.indexOf('\r', at)).trim());
      in.readNBytes(length);
      return;
    }
    assertThat(lower).contains("transfer-encoding: chunked");
    while (true) {
      StringBuilder size = new StringBuilder();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b != '\r') {
          size.append((char) b);
        }
      }
      int length = Integer.parseInt(size.toString().split(";")[0].trim(), 16);
      in.readNBytes(length + 2);
      if (length == 0) {
        return;
      }
    }
  }
}
