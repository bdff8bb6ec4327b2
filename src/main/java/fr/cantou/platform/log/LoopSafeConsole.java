package fr.cantou.platform.log;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The console's lines, written by a thread of their own (logback's AsyncAppender, in logback.xml),
 * so that no event loop ever waits on stdout. Written on the loop, a line is a write to a pipe: when
 * its reader stalls (a log shipper, journald under pressure, a terminal paused with Ctrl-S), every
 * loop stops at its next access line, and the node stops answering, /health included. Here a full
 * queue (logback.xml: 8,192 lines, the last 820 kept for warnings and errors) drops the new lines
 * instead and counts them ({@code cantou_log_lines_dropped_total}): lines lost beat a node frozen.
 * A line stopped otherwise (logs stopped at exit after 2 s, the console's encoder being swapped)
 * is not counted.
 *
 * <p>The id of the request a line is written for lives in the request's Vert.x context, which the
 * writing thread does not have: it is copied into the line's MDC map on the logging thread
 * ({@link RequestIdConverter#of}).
 */
public final class LoopSafeConsole extends AsyncAppender {
  private static final LongAdder DROPPED = new LongAdder();

  /** Lines dropped since the process started, the queue being full. */
  public static long dropped() {
    return DROPPED.sum();
  }

  /**
   * Drops and counts a line when the queue is full, and an INFO line or below when fewer places
   * are left than logback.xml keeps for warnings and errors; queues the others.
   */
  @Override
  protected void append(ILoggingEvent line) {
    // Checked before the offer, which says nothing when it fails: at worst a drop at the edge goes uncounted.
    int room = getRemainingCapacity();
    if (room == 0 || (room < getDiscardingThreshold() && isDiscardable(line))) {
      DROPPED.increment();
      return;
    }
    super.append(line);
  }

  @Override
  protected void preprocess(ILoggingEvent line) {
    String id = RequestId.current();
    if (id != null && line instanceof LoggingEvent event) {
      Map<String, String> mdc = ((LoggerContext) getContext()).getMDCAdapter().getCopyOfContextMap();
      Map<String, String> kept = mdc == null ? new HashMap<>(2) : new HashMap<>(mdc);
      kept.put(RequestIdConverter.KEY, id);
      try {
        event.setMDCPropertyMap(kept);
      } catch (IllegalStateException alreadyRead) {
        // Another appender read this line's MDC first: it goes without its request's id.
      }
    }
    super.preprocess(line);
  }
}
