package fr.cantou.platform.log;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %requestId}: the id of the request being served (empty outside one);
 * {@code %requestId{key}}: "requestId=… " for the text lines, nothing outside a request.
 * Read on the logging thread, which is the request's while its handlers run.
 */
public final class RequestIdConverter extends ClassicConverter {
  private boolean asKey;

  @Override
  public void start() {
    asKey = "key".equals(getFirstOption());
    super.start();
  }

  @Override
  public String convert(ILoggingEvent event) {
    String id = RequestId.current();
    if (id == null) {
      return "";
    }
    return asKey ? "requestId=" + id + " " : id;
  }
}
