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
    Mailer mailer = config.smtp().configured() ? new SmtpMailer(vertx, config.smtp()) : new LogMailer();
    if (!config.smtp().configured()) {
      LOG.warn("event=mail_to_log reason=\"no SMTP host configured: mails are written to the log, not sent; "
          + "set CANTOU_SMTP_HOST to send them\"");
    }
    SmsConfig sms = SmsConfig.from(config.settings());
    SmsSender sender = sms.configured() ? new HttpSmsSender(vertx, sms) : new LogSmsSender();
    if (!sms.configured()) {
      LOG.warn("event=sms_to_log reason=\"no SMS provider configured: SMS are written to the log, not sent; "
          + "set CANTOU_SMS_URL to send them\"");
    }
    return new Senders(mailer, sender);
  }
}
