package fr.cantou.bench;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * An HTTP request the generator sends again and again, described in JSON by the orchestrator:
 * {@code method}, {@code uri}, optional {@code token}, and either {@code bodies} (taken in
 * turn: distinct bookings) or one {@code body} in which {@value #SEQ} becomes the request's index.
 * The outcome is the status code; the body is read to the end.
 */
record HttpOperation(HttpMethod method, String uri, String token, List<String> bodies, String body) {
  static final String SEQ = "%SEQ%";

  static HttpOperation from(JsonObject json) {
    JsonArray bodies = json.getJsonArray("bodies");
    return new HttpOperation(HttpMethod.valueOf(json.getString("method", "GET")), json.getString("uri"),
        json.getString("token"), bodies == null ? null : bodies.stream().map(Object::toString).toList(), json.getString("body"));
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject().put("method", method.name()).put("uri", uri).put("token", token).put("body", body);
    return bodies == null ? json : json.put("bodies", new JsonArray(bodies));
  }

  Buffer bodyOf(long index) {
    if (bodies != null) {
      return Buffer.buffer(bodies.get((int) (index % bodies.size())));
    }
    return body == null ? null : Buffer.buffer(body.replace(SEQ, Long.toString(index)));
  }

  Future<String> send(HttpClient client, long index) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(uri);
    if (token != null) {
      options.putHeader("Authorization", "Bearer " + token);
    }
    Buffer payload = bodyOf(index);
    if (payload != null) {
      options.putHeader("Content-Type", "application/json");
    }
    return client.request(options)
        .compose(request -> payload == null ? request.send() : request.send(payload))
        .compose(response -> response.end().map(v -> Integer.toString(response.statusCode())));
  }
}
