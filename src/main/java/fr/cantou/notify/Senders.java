package fr.cantou.notify;

import fr.cantou.platform.config.CantouConfig;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a node's mails and SMS go, built once and shared by the flows that send them (the
 * appointments' queue of messages, the invitations of a teleconsultation's guests): SMTP or the
 * log, an HTTP provider or the log.
 */
public record Senders(Mailer mailer, SmsSender sms) {
  private static final Logger LOG = LoggerFactory.getLogger(Senders.class);

  public static Senders of(Vertx vertx, CantouConfig config) {
    boolean demo = config.demo().enabled();
    // In the demo, a message's links are written too (event=demo_link): a tester follows the citizen's journey by them.
    String links = demo ? " (demo: with their links, event=demo_link)" : "";
    Mailer mailer = config.smtp().configured() ? new SmtpMailer(vertx, config.smtp()) : new LogMailer(demo);
    if (!config.smtp().configured()) {
      LOG.warn("event=mail_to_log reason=\"no SMTP host configured: mails are written to the log{}, not sent; "
          + "set CANTOU_SMTP_HOST to send them\"", links);
    }
    SmsConfig sms = SmsConfig.from(config.settings());
    SmsSender sender = sms.configured() ? new HttpSmsSender(vertx, sms) : new LogSmsSender(demo);
    if (!sms.configured()) {
      LOG.warn("event=sms_to_log reason=\"no SMS provider configured: SMS are written to the log{}, not sent; "
          + "set CANTOU_SMS_URL to send them\"", links);
    }
    return new Senders(mailer, sender);
  }
}
