package fr.cantou.identity;

import fr.cantou.platform.secrets.Secrets;
import io.vertx.core.json.JsonObject;

import java.util.Base64;

/**
 * The secrets a staff page draws for the sends of one refresh token, as the page draws them (webapp/js/api.js): a chain
 * from a random seed, each secret the base64url SHA-256 of the next. Its send {@code n} commits the key of secret n and,
 * after the first, reveals secret n - 1, which is that same key.
 */
record AnswerChain(String seed) {
  static AnswerChain random() {
    return new AnswerChain(Secrets.randomToken());
  }

  /** The proof fields of the page's send {@code n} of the token (0: its first). */
  JsonObject send(int n) {
    String key = seed;
    for (int i = 0; i < AnswerProof.CHAIN_AT_MOST - n; i++) {
      key = Base64.getUrlEncoder().withoutPadding().encodeToString(Secrets.sha256(key));
    }
    JsonObject proof = new JsonObject().put("answerKey", key);
    return n == 0 ? proof : proof.put("answerSecret", key);
  }

  /**
   * The send after a refusal as overtaken: its page reveals this chain's top (the seed, which leads to every key of it)
   * and commits the first key of the chain it goes on with.
   */
  JsonObject top(AnswerChain next) {
    return next.send(0).put("answerSecret", seed);
  }
}
