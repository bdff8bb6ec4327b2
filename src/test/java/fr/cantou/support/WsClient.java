package fr.cantou.support;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real WebSocket client, as a page would be: it says hello and collects what the server pushes. */
public final class WsClient implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private final java.util.concurrent.LinkedBlockingDeque<JsonObject> inbox = new java.util.concurrent.LinkedBlockingDeque<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final WebSocket socket;

  private WsClient(int port, java.util.Map<String, String> headers) {
    WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    headers.forEach(builder::header);
    this.socket = builder.buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new Listener()).join();
  }

  public static WsClient connect(int port) {
    return new WsClient(port, java.util.Map.of());
  }

  /** Connected, with these headers on the upgrade request, nothing said yet. */
  public static WsClient connectWith(int port, java.util.Map<String, String> headers) {
    return new WsClient(port, headers);
  }

  /**
   * Connects, says hello and waits for the welcome and, without {@code since}, for the snapshot
   * (left in the inbox for the test to read): from then on every change is pushed as an event,
   * while a change made before the snapshot may be shown in it instead.
   */
  public static WsClient hello(int port, String token, Long since) {
    return hello(port, token, since, java.util.Map.of());
  }

  /** The same, with these headers on the upgrade request (as a reverse proxy would add them). */
  public static WsClient hello(int port, String token, Long since, java.util.Map<String, String> headers) {
    WsClient client = new WsClient(port, headers);
    JsonObject hello = new JsonObject().put("type", "hello").put("token", token);
    if (since != null) {
      hello.put("since", since);
    }
    client.send(hello);
    client.next(m -> "welcome".equals(m.getString("type")));
    if (since == null) {
      client.inbox.offerFirst(client.next(m -> "snapshot".equals(m.getString("type"))));
    }
    return client;
  }

  public void send(JsonObject message) {
    socket.sendText(message.encode(), true).join();
  }

  public void sendRaw(String text) {
    socket.sendText(text, true).join();
  }

  /** The next message matching, skipping others; fails after 10 s. */
  public JsonObject next(Predicate<JsonObject> wanted) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    try {
      while (System.nanoTime() < deadline) {
        JsonObject message = inbox.poll(50, TimeUnit.MILLISECONDS);
        if (message != null && wanted.test(message)) {
          return message;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new AssertionError("no such message within 10 s");
  }

  public JsonObject nextEvent(String kind) {
    return next(m -> "event".equals(m.getString("type")) && kind.equals(m.getString("kind")));
  }

  /** Everything received within the quiet period (to prove that nothing came). */
  public List<JsonObject> drain(Duration quiet) {
    List<JsonObject> all = new ArrayList<>();
    try {
      JsonObject message;
      while ((message = inbox.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
        all.add(message);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return all;
  }

  public int awaitClose() {
    try {
      return closed.get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the server did not close the socket", e);
    }
  }

  @Override
  public void close() {
    if (!closed.isDone()) {
      socket.abort();
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        inbox.add(new JsonObject(partial.toString()));
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(-1);
    }
  }
}
