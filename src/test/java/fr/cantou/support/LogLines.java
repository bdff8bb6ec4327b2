package fr.cantou.support;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import java.util.List;

/**
 * What a test's {@link ListAppender} kept so far. The node logs on its own threads while the test reads: the list is
 * copied under the appender's lock (its {@code doAppend} holds it), never streamed while it grows.
 */
public final class LogLines {
  private LogLines() {}

  public static List<ILoggingEvent> of(ListAppender<ILoggingEvent> appender) {
    synchronized (appender) {
      return List.copyOf(appender.list);
    }
  }

  public static List<String> messages(ListAppender<ILoggingEvent> appender) {
    return of(appender).stream().map(ILoggingEvent::getFormattedMessage).toList();
  }
}
