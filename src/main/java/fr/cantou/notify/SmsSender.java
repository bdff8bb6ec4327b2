package fr.cantou.notify;

import io.vertx.core.Future;

/**
 * Sends an SMS, through an HTTP provider or, without one configured, into the log. A failed
 * future means "not sent, try again later" (the caller's job retries); anything that knows a
 * number and a text can use it (appointments' messages, a waiting list's offers).
 */
public interface SmsSender {
  Future<Void> send(SmsMessage message);

  /** For the start-up line: where SMS go. */
  String describe();
}
