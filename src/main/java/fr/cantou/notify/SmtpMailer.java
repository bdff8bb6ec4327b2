package fr.cantou.notify;

import fr.cantou.platform.config.CantouConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailAttachment;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.StartTLSOptions;

import java.util.List;

/** Mail over SMTP with vertx-mail-client. */
public final class SmtpMailer implements Mailer {
  private final MailClient client;
  private final CantouConfig.Smtp smtp;

  public SmtpMailer(Vertx vertx, CantouConfig.Smtp smtp) {
    this.smtp = smtp;
    MailConfig config = new MailConfig()
        .setHostname(smtp.host())
        .setPort(smtp.port())
        .setStarttls(switch (smtp.starttls()) {
          case "disabled" -> StartTLSOptions.DISABLED;
          case "required" -> StartTLSOptions.REQUIRED;
          default -> StartTLSOptions.OPTIONAL;
        })
        .setConnectTimeout(10_000)
        // A server that accepted the connection and went silent fails the attempt, its connection closed, well within the
        // mail's claim: the mail job neither waits on it past its claim nor sends it again while it may still go.
        .setIdleTimeout((int) smtp.timeout().toSeconds())
        .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS);
    if (!smtp.username().isEmpty()) {
      config.setUsername(smtp.username()).setPassword(smtp.password()).setLogin(LoginOption.REQUIRED);
    } else {
      config.setLogin(LoginOption.DISABLED);
    }
    this.client = MailClient.createShared(vertx, config, "cantou-smtp");
  }

  @Override
  public Future<Void> send(MailMessage message) {
    io.vertx.ext.mail.MailMessage mail = new io.vertx.ext.mail.MailMessage()
        .setFrom(smtp.from())
        .setTo(message.to())
        .setSubject(message.subject())
        .setText(message.text());
    if (message.calendar() != null) {
      mail.setAttachment(List.of(MailAttachment.create()
          .setName("rendez-vous.ics")
          .setContentType("text/calendar; charset=UTF-8; method=PUBLISH")
          .setData(Buffer.buffer(message.calendar()))));
    }
    return client.sendMail(mail).<Void>mapEmpty().recover(e -> Future.failedFuture(new NotSent(e)));
  }

  /**
   * The server's refusal without the addresses it repeats ("550 5.1.1 &lt;jeanne@…&gt;: Recipient address rejected"):
   * its words become a message's last error and a WARN line, both kept longer than her address may be (her
   * appointment's retention, her erasure). The code and the reason stay; the cause is not kept (its text names her).
   */
  static final class NotSent extends RuntimeException {
    /**
     * Whatever stands around an '@' between spaces and angle brackets: looser than an address a citizen may give
     * ({@link MailAddresses#ONE_MAILBOX}), since staff accounts take intranet domains and literals
     * ({@code paul@chu-aurillac}, {@code paul@[192.0.2.10]}; review r25). V121 applies the same pattern in SQL.
     */
    static final java.util.regex.Pattern ADDRESS = java.util.regex.Pattern.compile("[^\\s<>]+@[^\\s<>]+");

    NotSent(Throwable cause) {
      super(ADDRESS.matcher(String.valueOf(cause.getMessage())).replaceAll("(adresse)"), null, false, false);
    }
  }

  @Override
  public String describe() {
    return "smtp://" + smtp.host() + ":" + smtp.port();
  }
}
