package fr.cantou.platform.log;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AsyncAppenderBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import fr.cantou.platform.config.CantouConfig;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;

/**
 * Applies log.format once the settings are read: logback.xml writes text lines (through
 * {@link LoopSafeConsole}'s queue); json swaps the console's encoder for Logstash's (one JSON object per line, with the request's id as
 * requestId). Done in code rather than with two appenders in logback.xml, which would make
 * logback report the unused one at every start.
 */
public final class LogFormat {
  private static final String QUEUE = "CONSOLE";
  private static final String CONSOLE = "OUT";
  private static Encoder<ILoggingEvent> text;

  private LogFormat() {}

  /** Called once by Main on its own thread before Vert.x starts (never on an event loop); synchronized for tests that start nodes in turn. */
  public static synchronized void apply(CantouConfig.Log settings) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Appender<ILoggingEvent> queued = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(QUEUE);
    Appender<ILoggingEvent> appender = queued instanceof AsyncAppenderBase<ILoggingEvent> queue ? queue.getAppender(CONSOLE) : null;
    if (!(appender instanceof OutputStreamAppender<ILoggingEvent> console)
        || settings.json() == console.getEncoder() instanceof LogstashEncoder) {
      return;
    }
    if (text == null) {
      text = console.getEncoder();
    }
    console.stop();
    console.setEncoder(settings.json() ? json(context) : text);
    console.start();
  }

  private static Encoder<ILoggingEvent> json(LoggerContext context) {
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(context);
    encoder.addProvider(new RequestIdJsonProvider());
    // The id is in the line's MDC when queued (LoopSafeConsole): written once, by the provider.
    encoder.addExcludeMdcKeyName(RequestIdConverter.KEY);
    encoder.start();
    return encoder;
  }
}
