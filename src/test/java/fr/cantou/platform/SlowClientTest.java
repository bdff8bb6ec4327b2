package fr.cantou.platform;

import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A client that starts a request and never finishes it does not hold a connection for ever. */
class SlowClientTest {

  @Test
  void a_half_sent_request_is_closed_after_the_idle_timeout() throws Exception {
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_HTTP_IDLE_TIMEOUT_SECONDS", "2",
        "CANTOU_REALTIME_HEARTBEAT_SECONDS", "1"), Clock.systemUTC());
         Socket socket = new Socket("127.0.0.1", node.port())) {
      socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: cantou\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      // The server closes it: the read ends (-1) instead of waiting for the 20 s guard below.
      socket.setSoTimeout(20_000);
      InputStream in = socket.getInputStream();
      assertThat(in.read()).isEqualTo(-1);
    }
  }
}
