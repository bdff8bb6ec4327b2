package fr.cantou.identity;

import com.icegreen.greenmail.util.GreenMail;
import fr.cantou.support.Api;
import fr.cantou.support.Eventually;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** What the password links' tests send as the pages do (in French, from a client address), and the mails she got. */
final class PasswordLinkRequests {
  private PasswordLinkRequests() {}

  /** The subjects of her mails: a link she asked for, one an admin sent, an invitation. */
  static final String RESET = "Choisir un nouveau mot de passe Cantou";
  static final String BY_ADMIN = "Choisir votre mot de passe Cantou";
  static final String INVITATION = "Votre compte Cantou : choisissez votre mot de passe";

  /** A link in her mail, its token caught. */
  static final Pattern LINK = Pattern.compile("https://cantou\\.cantal\\.test/nouveau-mot-de-passe\\.html#([A-Za-z0-9_-]+)");

  /**
   * The token of her mail number {@code nth} (from 1) of this subject: the jobs run until it has come (her link is made
   * after the answer to her request, so the first run may come before it).
   */
  static String token(TestNode node, GreenMail smtp, String email, String subject, int nth) throws Exception {
    Eventually.until("her mail number " + nth + " « " + subject + " »", () -> {
      TestNode.await(node.node().runJobs());
      return mailsTo(smtp, email, subject).size() >= nth;
    });
    Matcher found = LINK.matcher(PasswordChangeMailTest.text(mailsTo(smtp, email, subject).get(nth - 1)));
    assertThat(found.find()).isTrue();
    return found.group(1);
  }

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
