package fr.cantou.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records Vert.x's blocked-thread warnings, so that a test can prove the event loop never blocked. */
public final class BlockedThreadWatch extends AppenderBase<ILoggingEvent> {
  private static final BlockedThreadWatch INSTANCE = new BlockedThreadWatch();
  private final List<String> warnings = new CopyOnWriteArrayList<>();

  static {
    Logger logger = (Logger) LoggerFactory.getLogger("io.vertx.core.impl.BlockedThreadChecker");
    INSTANCE.setContext(logger.getLoggerContext());
    INSTANCE.start();
    logger.addAppender(INSTANCE);
  }

  public static BlockedThreadWatch get() {
    return INSTANCE;
  }

  @Override
  protected void append(ILoggingEvent event) {
    if (event.getThreadName() != null && event.getFormattedMessage().contains("has been blocked") && !idleWhenCaught(event)) {
      warnings.add(event.getFormattedMessage());
    }
  }

  /**
   * A report whose stack shows the loop waiting in its selector says nothing of our code: the
   * checker thread itself was starved (a loaded 2-core machine) and looked after the task had
   * ended. A loop really blocked is caught inside the blocking frame.
   */
  private static boolean idleWhenCaught(ILoggingEvent event) {
    IThrowableProxy stack = event.getThrowableProxy();
    if (stack == null || stack.getStackTraceElementProxyArray().length == 0) {
      return false;
    }
    String top = stack.getStackTraceElementProxyArray()[0].getStackTraceElement().toString();
    return top.contains("EPoll.wait") || top.contains("epollWait") || top.contains("KQueue") || top.contains("SelectorImpl");
  }

  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  /** Where the record stands now; {@link #since(int)} lists what came after. */
  public int mark() {
    return warnings.size();
  }

  public List<String> since(int mark) {
    List<String> all = warnings();
    return all.subList(Math.min(mark, all.size()), all.size());
  }
}
