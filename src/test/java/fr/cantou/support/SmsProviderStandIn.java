package fr.cantou.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server standing in for an SMS provider: records every request (headers and body)
 * and answers the statuses it is told, in order (then 200), each after an optional delay.
 */
public final class SmsProviderStandIn implements AutoCloseable {
  /** One request as the provider received it. */
  public record Received(String path, String contentType, String authorization, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    /** A form field, decoded. */
    public String field(String name) {
      for (String pair : body.split("&")) {
        int eq = pair.indexOf('=');
        if (java.net.URLDecoder.decode(pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8).equals(name)) {
          return java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
        }
      }
      return null;
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Deque<Integer> answers = new ConcurrentLinkedDeque<>();
  private volatile long delayMs;
  private volatile java.util.function.IntConsumer beforeAnswering;

  public SmsProviderStandIn() {
    server = TestNode.await(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      received.add(new Received(request.path(), request.getHeader("Content-Type"), request.getHeader("Authorization"),
          body.toString()));
      Integer status = answers.poll();
      Runnable answer = () -> request.response().setStatusCode(status == null ? 200 : status)
          .putHeader("Content-Type", "application/json").end("{\"id\":\"" + received.size() + "\"}");
      int index = received.size() - 1;
      if (beforeAnswering != null) {
        // Off the stand-in's event loop: the action may wait for a node whose SMS come here too.
        vertx.executeBlocking(() -> {
          beforeAnswering.accept(index);
          return null;
        }, false).onComplete(done -> answer.run());
      } else if (delayMs > 0) {
        vertx.setTimer(delayMs, id -> answer.run());
      } else {
        answer.run();
      }
    })).listen(0, "127.0.0.1"));
  }

  /** The next answers, in order; after them, 200. */
  public SmsProviderStandIn answering(int... statuses) {
    for (int status : statuses) {
      answers.add(status);
    }
    return this;
  }

  /** Runs with the index (from 0) of each request, before it is answered (the sender waits meanwhile). */
  public SmsProviderStandIn onEachRequest(java.util.function.IntConsumer action) {
    this.beforeAnswering = action;
    return this;
  }

  public SmsProviderStandIn slow(long millis) {
    this.delayMs = millis;
    return this;
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/sms/send";
  }

  public List<Received> received() {
    return new ArrayList<>(received);
  }

  @Override
  public void close() {
    TestNode.await(vertx.close());
  }
}
