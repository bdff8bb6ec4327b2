package fr.cantou.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;

/** The lines a logger writes while watched (closed: no longer watched). */
public record WatchedLogger(Logger logger, ListAppender<ILoggingEvent> appender) implements AutoCloseable {
  public static WatchedLogger of(String name) {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    Logger logger = (Logger) LoggerFactory.getLogger(name);
    logger.addAppender(appender);
    return new WatchedLogger(logger, appender);
  }

  public List<String> lines() {
    return LogLines.messages(appender);
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
  }
}
