package fr.cantou.platform.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.JsonGenerator;
import net.logstash.logback.composite.AbstractFieldJsonProvider;

import java.io.IOException;

/** "requestId" in a JSON line written on behalf of a request; absent otherwise. */
public final class RequestIdJsonProvider extends AbstractFieldJsonProvider<ILoggingEvent> {
  public RequestIdJsonProvider() {
    setFieldName("requestId");
  }

  @Override
  public void writeTo(JsonGenerator generator, ILoggingEvent event) throws IOException {
    String id = RequestIdConverter.of(event);
    if (id != null) {
      generator.writeStringField(getFieldName(), id);
    }
  }
}
