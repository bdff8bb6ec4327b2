package fr.cantou.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** A plain HTTP client for tests: what a script of the département would do. */
public final class Api {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final HttpClient.Version version;

  public Api(int port) {
    this("http://127.0.0.1:" + port, HttpClient.Version.HTTP_1_1);
  }

  private Api(String base, HttpClient.Version version) {
    this.base = base;
    this.version = version;
  }

  /**
   * The same API over HTTP/1.1: one connection per request in flight, as many independent
   * citizens would open. Every Api speaks HTTP/1.1 now (the node has no HTTP/2: HttpServers);
   * the tests that call this say that they rely on it.
   */
  public Api overHttp1() {
    return new Api(base, HttpClient.Version.HTTP_1_1);
  }

  public String base() {
    return base;
  }

  public record Response(int status, String contentType, String body, java.net.http.HttpHeaders headers) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public JsonArray array() {
      return new JsonArray(body);
    }

    public boolean isProblem() {
      return contentType != null && contentType.startsWith("application/problem+json");
    }

    public String detail() {
      return json().getString("detail");
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  public Response get(String path, String token) {
    return send("GET", path, token, null, Map.of());
  }

  public Response get(String path) {
    return get(path, null);
  }

  public Response post(String path, String token, Object body) {
    return send("POST", path, token, body == null ? null : body.toString(), Map.of("Content-Type", "application/json"));
  }

  /** A POST with its Idempotency-Key, its refusals said in French (as the pages read them). */
  public Response post(String path, String token, Object body, String idempotencyKey) {
    return send("POST", path, token, body == null ? null : body.toString(), Map.of("Content-Type", "application/json",
        "Idempotency-Key", idempotencyKey, "Accept-Language", "fr"));
  }

  public Response post(String path, Object body) {
    return post(path, null, body);
  }

  public Response send(String method, String path, String token, String body, Map<String, String> headers) {
    return sendBytes(method, path, token, body == null ? null : body.getBytes(StandardCharsets.UTF_8), headers);
  }

  public Response sendBytes(String method, String path, String token, byte[] body, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).version(version)
        .timeout(Duration.ofSeconds(30));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    headers.forEach(request::header);
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    try {
      HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
          response.body(), response.headers());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Polls /ready until it answers 200, the process ends or the time runs out; says whether it got 200. */
  public boolean readyWithin(Process process, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline && process.isAlive()) {
      try {
        if (get("/ready").status() == 200) {
          return true;
        }
      } catch (IllegalStateException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    return false;
  }

  /** Signs in and returns the access token; fails the test when the login is refused. */
  /**
   * An account an admin has just made: its owner's first sign-in with the password the admin typed, and her choice of
   * her own, as the pages make her do before anything else (the server refuses all else until then). The access token
   * of the session the change answered.
   */
  public String chooseOwnPassword(String email, String typedByAdmin, String chosen) {
    Response changed = post("/api/auth/password", login(email, typedByAdmin),
        new JsonObject().put("currentPassword", typedByAdmin).put("newPassword", chosen));
    if (changed.status() != 200) {
      throw new AssertionError("first password of " + email + " refused: " + changed);
    }
    return changed.json().getString("accessToken");
  }

  public String login(String email, String password) {
    Response response = post("/api/auth/login", new JsonObject().put("email", email).put("password", password));
    if (response.status() != 200) {
      throw new AssertionError("login of " + email + " refused: " + response);
    }
    return response.json().getString("accessToken");
  }
}
