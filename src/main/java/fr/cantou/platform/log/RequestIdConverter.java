package fr.cantou.platform.log;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %requestId}: the id of the request being served (empty outside one);
 * {@code %requestId{key}}: "requestId=… " for the text lines, nothing outside a request.
 */
public final class RequestIdConverter extends ClassicConverter {
  /** The line's MDC key where {@link LoopSafeConsole} keeps the id for its writing thread. */
  static final String KEY = "requestId";
  private boolean asKey;

  /**
   * The id of the request this line was written for: kept in its MDC map by {@link LoopSafeConsole},
   * else read on the logging thread (an appender called there), which is the request's while its handlers run.
   */
  static String of(ILoggingEvent line) {
    String kept = line.getMDCPropertyMap().get(KEY);
    return kept != null ? kept : RequestId.current();
  }

  @Override
  public void start() {
    asKey = "key".equals(getFirstOption());
    super.start();
  }

  @Override
  public String convert(ILoggingEvent event) {
    String id = of(event);
    if (id == null) {
      return "";
    }
    return asKey ? "requestId=" + id + " " : id;
  }
}
