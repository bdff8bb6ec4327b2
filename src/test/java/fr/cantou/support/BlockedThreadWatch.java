package fr.cantou.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Records Vert.x's blocked-thread warnings, so that a test can prove the event loop never
 * blocked. A warning means our code held the loop only if the loop was doing something the
 * whole time: waiting (a lock, a sleep, a blocking read) or computing. A loop that was ready
 * to run but given little CPU (two cores shared by the suite, PostgreSQL and a browser) is
 * starved, not blocked: its CPU time over the blocked period tells which, and such warnings
 * are kept apart ({@link #starved()}) instead of failing the test.
 */
public final class BlockedThreadWatch extends AppenderBase<ILoggingEvent> {
  private static final BlockedThreadWatch INSTANCE = new BlockedThreadWatch();
  private static final Pattern BLOCKED = Pattern.compile("Thread (.+) has been blocked for (\\d+) ms");
  /** Below this share of a core over the blocked period, the loop was mostly waiting for the CPU. */
  private static final double STARVED_BELOW = 0.5;
  private static final long SAMPLE_EVERY_MS = 25;
  private static final long KEEP_SAMPLES_NANOS = 30_000_000_000L;

  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final List<String> starved = new CopyOnWriteArrayList<>();
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  /** Per event-loop thread id: (time, CPU time) samples, oldest first. */
  private final Map<Long, Deque<long[]>> cpuSamples = new HashMap<>();

  static {
    Logger logger = (Logger) LoggerFactory.getLogger("io.vertx.core.impl.BlockedThreadChecker");
    INSTANCE.setContext(logger.getLoggerContext());
    INSTANCE.start();
    logger.addAppender(INSTANCE);
    Thread sampler = new Thread(INSTANCE::sampleForever, "blocked-thread-watch");
    sampler.setDaemon(true);
    sampler.start();
  }

  public static BlockedThreadWatch get() {
    return INSTANCE;
  }

  @Override
  protected void append(ILoggingEvent event) {
    String message = event.getFormattedMessage();
    Matcher blocked = BLOCKED.matcher(message);
    if (!blocked.find() || idleWhenCaught(event)) {
      return;
    }
    if (starvedFor(blocked.group(1), Long.parseLong(blocked.group(2)))) {
      starved.add(message);
    } else {
      warnings.add(message);
    }
  }

  /**
   * A report whose stack shows the loop waiting in its selector says nothing of our code: the
   * checker thread itself was starved and looked after the task had ended. A loop really
   * blocked is caught inside the blocking frame.
   */
  private static boolean idleWhenCaught(ILoggingEvent event) {
    IThrowableProxy stack = event.getThrowableProxy();
    if (stack == null || stack.getStackTraceElementProxyArray().length == 0) {
      return false;
    }
    String top = stack.getStackTraceElementProxyArray()[0].getStackTraceElement().toString();
    return top.contains("EPoll.wait") || top.contains("epollWait") || top.contains("KQueue") || top.contains("SelectorImpl");
  }

  /**
   * Ready to run (not waiting on anything, not inside a blocking read) and given less than half
   * a core over the period it was reported blocked for. Every Vert.x instance of the JVM names
   * its loops alike: each loop of that name must look starved, or the warning counts.
   */
  private synchronized boolean starvedFor(String threadName, long blockedMs) {
    boolean found = false;
    for (Map.Entry<Long, Deque<long[]>> entry : cpuSamples.entrySet()) {
      ThreadInfo info = threads.getThreadInfo(entry.getKey(), 8);
      if (info == null || !info.getThreadName().equals(threadName)) {
        continue;
      }
      found = true;
      long now = System.nanoTime();
      long cpuNow = threads.getThreadCpuTime(entry.getKey());
      long from = now - blockedMs * 1_000_000;
      long[] before = entry.getValue().peekFirst();
      for (long[] sample : entry.getValue()) {
        if (sample[0] <= from) {
          before = sample;
        }
      }
      if (before == null || cpuNow < 0 || now == before[0]
          || !starved(info.getThreadState(), info.getStackTrace(), (double) (cpuNow - before[1]) / (now - before[0]))) {
        return false;
      }
    }
    return found;
  }

  /**
   * A loop reported blocked was starved when it was ready to run (not waiting on a lock, a
   * sleep or a blocking read) and ran less than half of the time: what held it was the CPU.
   */
  static boolean starved(Thread.State state, StackTraceElement[] stack, double cpuShare) {
    return state == Thread.State.RUNNABLE && !inBlockingRead(stack) && cpuShare < STARVED_BELOW;
  }

  /**
   * A read or write of a socket or file, or a class read from a jar, that blocks the thread
   * (a selector waiting for work is no such thing). Caught in a Deflater or an Inflater, the thread is
   * computing on bytes in memory (an answer's gzip; a class's bytes inflated once read from its jar, seen 541 ms
   * under a load of 16): judged by its CPU share like any other computation.
   */
  private static boolean inBlockingRead(StackTraceElement[] stack) {
    if (nettyChannelIo(stack) || stack.length > 0 && ZLIB.contains(stack[0].getClassName())) {
      return false;
    }
    for (StackTraceElement frame : stack) {
      String where = frame.getClassName();
      if (where.equals("sun.nio.ch.NioSocketImpl") || where.equals("sun.nio.ch.SocketDispatcher")
          || where.equals("sun.nio.ch.FileDispatcherImpl") || where.startsWith("java.net.") || where.startsWith("java.io.")
          || where.startsWith("java.util.zip.")
          || where.startsWith("jdk.internal.loader.") || where.equals("java.lang.ClassLoader")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Caught inside a socket write or read that Netty makes on its own channel, which is
   * non-blocking: the syscall returns at once whatever the peer does, so a loop caught there
   * for long was kept off the CPU (2,000 sockets' frames written under load), not waiting.
   * The same JDK frames under a blocking java.net socket (JDBC) still count as a wait.
   */
  private static final java.util.Set<String> ZLIB = java.util.Set.of("java.util.zip.Deflater", "java.util.zip.Inflater");

  private static boolean nettyChannelIo(StackTraceElement[] stack) {
    for (StackTraceElement frame : stack) {
      String where = frame.getClassName();
      if (!where.startsWith("sun.nio.ch.") && !where.startsWith("jdk.internal.") && !where.startsWith("java.nio.")) {
        return where.startsWith("io.netty.channel.");
      }
    }
    return false;
  }

  private void sampleForever() {
    while (true) {
      sample();
      try {
        Thread.sleep(SAMPLE_EVERY_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private synchronized void sample() {
    long now = System.nanoTime();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds(), 0)) {
      if (info == null || !info.getThreadName().startsWith("vert.x-eventloop-thread")) {
        continue;
      }
      long cpu = threads.getThreadCpuTime(info.getThreadId());
      Deque<long[]> samples = cpuSamples.computeIfAbsent(info.getThreadId(), id -> new ArrayDeque<>());
      samples.addLast(new long[] {now, cpu});
      while (samples.size() > 1 && now - samples.peekFirst()[0] > KEEP_SAMPLES_NANOS) {
        samples.removeFirst();
      }
    }
    cpuSamples.keySet().removeIf(id -> threads.getThreadInfo(id) == null);
  }

  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  /** Warnings of loops that were ready to run but given little CPU: the machine's load, not our code. */
  public List<String> starved() {
    return List.copyOf(starved);
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
