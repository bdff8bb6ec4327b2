package fr.cantou.notify;

import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Without an SMS provider, an SMS is written to the log, as mails are without SMTP: a masked
 * recipient (its last two digits), its length and segments, never its text (it holds the manage
 * link). In the demo, its link too ({@link DemoLinks}).
 */
public final class LogSmsSender implements SmsSender {
  private static final Logger LOG = LoggerFactory.getLogger("cantou.sms");
  private final boolean demo;

  /** `demo`: the node runs the demo (`CANTOU_DEMO`), whose testers follow the links the SMS would bring. */
  public LogSmsSender(boolean demo) {
    this.demo = demo;
  }

  @Override
  public Future<Void> send(SmsMessage message) {
    LOG.info("event=sms_not_sent reason=no_provider to={} characters={} segments={}", mask(message.to()),
        message.text().length(), SmsText.segments(message.text()));
    if (demo) {
      DemoLinks.log(LOG, "sms", mask(message.to()), message.text());
    }
    return Future.succeededFuture();
  }

  /** +33612345678 → +*********78: enough to tell two numbers apart in a log, not to call anyone. */
  public static String mask(String number) {
    if (number == null || number.length() <= 4) {
      return "***";
    }
    int shown = 2;
    int start = number.startsWith("+") ? 1 : 0;
    return number.substring(0, start) + "*".repeat(number.length() - shown - start) + number.substring(number.length() - shown);
  }

  @Override
  public String describe() {
    return "log";
  }
}
