package fr.cantou;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Vert.x 5 client that nobody refers to is closed by the garbage collector's cleaner (CleanableWebSocketClient,
 * CleanableHttpClient), its connections with it: a socket connected through {@code createWebSocketClient(…).connect(…)}
 * dies at a collection that happens during its handshake ("Connection closed while handshake in process", CI of
 * 6 December 2026) or soon after. Every client is held (a field, a variable used until the end) by whoever owns its
 * connections.
 */
class VertxClientsAreHeldTest {
  private static final Pattern CREATED = Pattern.compile("\\.create(?:WebSocket|Http|Net)Client\\(");
  /** A call on the new client in the same statement: the client itself is then held by nothing. */
  private static final Pattern USED_AT_ONCE = Pattern.compile("\\)\\s*\\.(?:connect|request|webSocket|send)\\(");

  @Test
  void no_client_is_created_and_used_in_one_breath() throws IOException {
    List<String> unheld = new ArrayList<>();
    for (String root : List.of("src/main/java", "src/test/java")) {
      try (Stream<Path> files = Files.walk(Path.of(root))) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          String code = Files.readString(file);
          Matcher created = CREATED.matcher(code);
          while (created.find()) {
            String statement = code.substring(created.end(), statementEnd(code, created.end()));
            if (USED_AT_ONCE.matcher(statement).find()) {
              unheld.add(file + ":" + lineOf(code, created.start()));
            }
          }
        }
      }
    }
    assertThat(unheld).as("clients created and used in the same statement, held by nothing").isEmpty();
  }

  @Test
  void the_check_sees_a_client_used_in_the_statement_that_made_it() {
    // Written in two pieces, so that the scan of this very file does not take it for code.
    String unheld = "WebSocket s = await(vertx.create" + "WebSocketClient(new WebSocketClientOptions()\n"
        + "    .setMaxFrameSize(1)).connect(port, \"127.0.0.1\", \"/ws\"));";
    String held = "WebSocketClient c = vertx.create" + "WebSocketClient(new WebSocketClientOptions());";
    assertThat(USED_AT_ONCE.matcher(unheld.substring(unheld.indexOf("WebSocketClient("))).find()).isTrue();
    assertThat(USED_AT_ONCE.matcher(held).find()).isFalse();
  }

  private static int statementEnd(String code, int from) {
    int end = code.indexOf(';', from);
    return end < 0 ? code.length() : end;
  }

  private static long lineOf(String code, int index) {
    return code.substring(0, index).chars().filter(c -> c == '\n').count() + 1;
  }
}
