package fr.cantou.platform.http;

import fr.cantou.support.RawHttp;
import fr.cantou.support.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A page, its stylesheet and its scripts come one after the other on one connection: on a rural link each new one costs
 * a round trip or two (800 ms on the links the pages are tested on), before a byte of the file. The close after a body
 * left unread (LingeringClose) is for requests that have a body; one without any (a GET) was closed after every answer
 * of the static files, whose handler never reads the request (the bench's static file: 26,000/s → 6,700/s).
 */
class KeepAliveTest {
  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void a_page_its_stylesheet_its_scripts_and_an_api_read_share_one_connection() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", node.port())) {
      socket.setSoTimeout(20_000);
      InputStream in = socket.getInputStream();
      for (String path : List.of("/", "/css/cantou.css", "/js/api.js", "/rendez-vous.html", "/api/visio/services", "/js/ui.js")) {
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: cantou.test\r\nAccept-Encoding: identity\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        String answer = RawHttp.answer(in);
        assertThat(answer).as(path).startsWith("HTTP/1.1 200");
        assertThat(answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase(Locale.ROOT)).as(path)
            .doesNotContain("connection: close");
      }
    }
  }
}
