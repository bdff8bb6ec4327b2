package fr.cantou.platform.http;

import fr.cantou.support.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The pages' folder may be named by an absolute path, as an operator writes it (CANTOU_HTTP_WEB_ROOT). */
class WebRootTest {

  @Test
  void an_absolute_web_root_serves_its_pages(@TempDir Path pages) throws Exception {
    Files.writeString(pages.resolve("index.html"), "<!doctype html><title>Cantou du Cantal</title>");
    // Written with a "." segment, as a path may come from a script: served all the same.
    try (TestNode node = TestNode.start(Map.of("CANTOU_HTTP_WEB_ROOT", pages.toAbsolutePath() + "/."))) {
      var home = node.api.get("/");
      assertThat(home.status()).isEqualTo(200);
      assertThat(home.body()).contains("Cantou du Cantal");
      // Sent as written (java.net.http would tidy the path): nothing outside the folder is served.
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", node.port())) {
        socket.getOutputStream().write(("GET /../../../../../../etc/passwd HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThat(fr.cantou.support.RawHttp.head(socket.getInputStream())).startsWith("HTTP/1.1 404");
      }
    }
  }
}
