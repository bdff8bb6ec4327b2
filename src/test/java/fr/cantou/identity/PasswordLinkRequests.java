package fr.cantou.identity;

import com.icegreen.greenmail.util.GreenMail;
import fr.cantou.support.Api;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** What the password links' tests send as the pages do (in French, from a client address), and the mails she got. */
final class PasswordLinkRequests {
  private PasswordLinkRequests() {}

  /** "Mot de passe oublié ?" with this address, from {@code from}. */
  static Api.Response ask(Api api, String email, String from) {
    return api.send("POST", "/api/auth/password-reset", null, new JsonObject().put("email", email).encode(),
        Map.of("Content-Type", "application/json", "Accept-Language", "fr", "X-Forwarded-For", from));
  }

  /** Her new password through the link of this token, from {@code from}. */
  static Api.Response confirm(Api api, String token, String chosen, String from) {
    return api.send("POST", "/api/auth/password-reset/confirm", null,
        new JsonObject().put("token", token).put("newPassword", chosen).encode(),
        Map.of("Content-Type", "application/json", "Accept-Language", "fr", "X-Forwarded-For", from));
  }

  static int signIn(Api api, String email, String password) {
    return api.post("/api/auth/login", new JsonObject().put("email", email).put("password", password)).status();
  }

  /** The mails of this subject she got, in the order they came. */
  static List<MimeMessage> mailsTo(GreenMail smtp, String email, String subject) {
    return Arrays.stream(smtp.getReceivedMessages()).filter(m -> {
      try {
        return m.getAllRecipients()[0].toString().equals(email) && subject.equals(m.getSubject());
      } catch (jakarta.mail.MessagingException e) {
        throw new IllegalStateException(e);
      }
    }).toList();
  }
}
