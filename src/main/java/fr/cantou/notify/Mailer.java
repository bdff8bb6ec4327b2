package fr.cantou.notify;

import io.vertx.core.Future;

/** Sends a mail, over SMTP or, without SMTP configured, into the log. */
public interface Mailer {
  Future<Void> send(MailMessage message);

  /** For the start-up line: where mails go. */
  String describe();
}
