import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The WebSocket half of scripts/cluster.sh, with the JDK alone (java WsCheck.java …): says hello
 * through the proxy, pinned to one node by the X-Cluster-Node header, prints "ready" once the
 * snapshot came, then waits for an event of the given kind and prints its line. Exit 1 after 30 s.
 */
public class WsCheck {
  public static void main(String[] args) throws Exception {
    String url = args[0], token = args[1], node = args[2], kind = args[3];
    CompletableFuture<String> found = new CompletableFuture<>();
    StringBuilder partial = new StringBuilder();
    WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().header("X-Cluster-Node", node)
        .connectTimeout(Duration.ofSeconds(5)).buildAsync(URI.create(url), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
              String text = partial.toString();
              partial.setLength(0);
              if (text.startsWith("{\"type\":\"snapshot\"")) {
                System.out.println("ready");
              } else if (text.contains("\"type\":\"event\"") && text.contains("\"kind\":\"" + kind + "\"")) {
                found.complete(text);
              }
            }
            ws.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            found.completeExceptionally(new IllegalStateException("closed " + code + " " + reason));
            return null;
          }
        }).join();
    socket.sendText("{\"type\":\"hello\",\"token\":\"" + token + "\"}", true).join();
    try {
      System.out.println(found.get(30, TimeUnit.SECONDS));
      System.exit(0);
    } catch (Exception e) {
      System.out.println("no " + kind + " event: " + e);
      System.exit(1);
    }
  }
}
