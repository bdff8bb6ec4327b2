package fr.cantou.notify;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * SMS through an HTTP provider (the common French ones take a POST of JSON or form fields):
 * the template of {@link SmsConfig} filled in and posted with its credentials. A 2xx answer is
 * success; the body of another is not logged (it may repeat the number).
 */
public final class HttpSmsSender implements SmsSender {
  private final WebClient client;
  private final SmsConfig config;

  public HttpSmsSender(Vertx vertx, SmsConfig config) {
    this.config = config;
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setConnectTimeout((int) config.timeout().toMillis())
        .setUserAgent("Cantou")
        .setFollowRedirects(false));
  }

  @Override
  public Future<Void> send(SmsMessage message) {
    HttpRequest<Buffer> request = client.postAbs(config.url().toString()).timeout(config.timeout().toMillis());
    switch (config.auth()) {
      case "basic" -> request.putHeader("Authorization", "Basic " + Base64.getEncoder()
          .encodeToString((config.username() + ":" + config.password()).getBytes(StandardCharsets.UTF_8)));
      case "bearer" -> request.putHeader("Authorization", "Bearer " + config.apiKey());
      default -> { }
    }
    Future<io.vertx.ext.web.client.HttpResponse<Buffer>> sent;
    if ("json".equals(config.format())) {
      sent = request.sendJsonObject(new JsonObject(fill(config.template(), "json", message.to(), message.text())));
    } else {
      MultiMap form = MultiMap.caseInsensitiveMultiMap();
      for (String field : config.template().split("&")) {
        int eq = field.indexOf('=');
        form.add(field.substring(0, eq), fill(field.substring(eq + 1), "form", message.to(), message.text()));
      }
      sent = request.sendForm(form, "UTF-8");
    }
    return sent.compose(answer -> answer.statusCode() / 100 == 2 ? Future.<Void>succeededFuture()
        : Future.failedFuture("the SMS provider answered " + answer.statusCode()));
  }

  /** The template with the number and the text put in: JSON-escaped in a JSON template, as they are in a form field (encoded when sent). */
  static String fill(String template, String format, String to, String text) {
    String digits = to.startsWith("+") ? to.substring(1) : to;
    return template.replace("{toDigits}", escaped(format, digits)).replace("{to}", escaped(format, to))
        .replace("{text}", escaped(format, text));
  }

  private static String escaped(String format, String value) {
    if (!"json".equals(format)) {
      return value;
    }
    String quoted = new io.vertx.core.json.JsonArray().add(value).encode();
    return quoted.substring(2, quoted.length() - 2);
  }

  @Override
  public String describe() {
    return config.url().getScheme() + "://" + config.url().getHost() + (config.url().getPort() > 0 ? ":" + config.url().getPort() : "");
  }
}
