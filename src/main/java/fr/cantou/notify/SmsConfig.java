package fr.cantou.notify;

import fr.cantou.platform.config.Settings;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * Where SMS go (sms.* in config/cantou.yaml, CANTOU_SMS_*). Without {@code url}, they are written
 * to the log. With one, each SMS is a POST to it: {@code auth} none, basic ({@code username},
 * {@code password}) or bearer ({@code apiKey}); the body is the {@code template}, JSON or form
 * fields ({@code format}), where {to} is the number in international form (+33612345678),
 * {toDigits} the same without the + (33612345678) and {text} the message. Any 2xx answer is
 * success; anything else, or no answer within {@code timeout}, is a failure the job retries.
 */
public record SmsConfig(URI url, String auth, String username, String password, String apiKey, String format, String template,
                        Duration timeout) {

  public boolean configured() {
    return url != null;
  }

  public static SmsConfig from(Settings s) {
    URI url = s.text("sms.url").isEmpty() ? null : s.httpUrl("sms.url");
    String auth = s.oneOf("sms.auth", Set.of("none", "basic", "bearer"));
    String format = s.oneOf("sms.format", Set.of("json", "form"));
    String template = s.requiredText("sms.template");
    if (!template.contains("{text}") || !(template.contains("{to}") || template.contains("{toDigits}"))) {
      throw s.invalid("sms.template", "must hold {text} and {to} (or {toDigits})", template);
    }
    if ("json".equals(format)) {
      try {
        new JsonObject(HttpSmsSender.fill(template, "json", "+33600000000", "x"));
      } catch (DecodeException e) {
        throw s.invalid("sms.template", "must be a JSON object once {to} and {text} are put in (with sms.format json)", template);
      }
    } else if (!template.matches("[^=&]+=[^&]*(&[^=&]+=[^&]*)*")) {
      throw s.invalid("sms.template", "must be form fields name=value joined by & (with sms.format form)", template);
    }
    SmsConfig config = new SmsConfig(url, auth, s.text("sms.username"), s.text("sms.password"), s.text("sms.apiKey"), format,
        template, Duration.ofSeconds(s.intIn("sms.timeoutSeconds", 1, 120)));
    if (url != null && "basic".equals(auth) && config.username().isEmpty()) {
      throw s.invalid("sms.username", "must be set with sms.auth basic", "");
    }
    if (url != null && "bearer".equals(auth) && config.apiKey().isEmpty()) {
      throw s.invalid("sms.apiKey", "must be set with sms.auth bearer", "");
    }
    return config;
  }
}
