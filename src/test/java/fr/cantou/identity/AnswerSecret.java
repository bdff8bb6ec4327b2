package fr.cantou.identity;

import fr.cantou.platform.secrets.Secrets;
import io.vertx.core.json.JsonObject;

import java.util.Base64;

/**
 * The secret a staff page keeps in its tab before sending a refresh, as the page makes it (32 random bytes, and their
 * SHA-256, in base64url): its key goes with the first send of a token, the secret itself with a send again.
 */
record AnswerSecret(String value) {
  static AnswerSecret random() {
    return new AnswerSecret(Secrets.randomToken());
  }

  JsonObject asKey() {
    return new JsonObject().put("answerKey", Base64.getUrlEncoder().withoutPadding().encodeToString(Secrets.sha256(value)));
  }

  JsonObject revealed() {
    return new JsonObject().put("answerSecret", value);
  }
}
