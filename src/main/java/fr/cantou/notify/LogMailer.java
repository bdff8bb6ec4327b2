package fr.cantou.notify;

import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Without SMTP, a mail is written to the log: its kind and a masked recipient, never its
 * body (it holds the manage link and personal data). In the demo, its links too ({@link DemoLinks}).
 */
public final class LogMailer implements Mailer {
  private static final Logger LOG = LoggerFactory.getLogger("cantou.mail");
  private final boolean demo;

  /** `demo`: the node runs the demo (`CANTOU_DEMO`), whose testers follow the links the mails would bring. */
  public LogMailer(boolean demo) {
    this.demo = demo;
  }

  @Override
  public Future<Void> send(MailMessage message) {
    LOG.info("event=mail_not_sent reason=no_smtp to={} subject=\"{}\" calendar={}", mask(message.to()), message.subject(),
        message.calendar() != null);
    if (demo) {
      DemoLinks.log(LOG, "mail", mask(message.to()), message.text());
    }
    return Future.succeededFuture();
  }

  static String mask(String address) {
    int at = address.indexOf('@');
    return at <= 0 ? "***" : address.charAt(0) + "***" + address.substring(at);
  }

  @Override
  public String describe() {
    return "log";
  }
}
