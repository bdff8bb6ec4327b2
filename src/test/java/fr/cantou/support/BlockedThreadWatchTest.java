package fr.cantou.support;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The suite's check that no event loop was blocked still catches what blocks one (a sleep on
 * a real loop; waits, blocking reads and computations as the watch judges them) and puts down
 * to the machine only a loop that was ready to run but given little CPU.
 */
class BlockedThreadWatchTest {
  final Vertx vertx = Vertx.vertx(new VertxOptions().setBlockedThreadCheckInterval(50)
      .setMaxEventLoopExecuteTime(200).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void a_loop_that_sleeps_is_reported_blocked() {
    int mark = BlockedThreadWatch.get().mark();
    vertx.runOnContext(v -> sleep(700));
    Eventually.until("the sleep reported", () -> !BlockedThreadWatch.get().since(mark).isEmpty());
  }

  @Test
  void a_loop_that_computes_or_waits_is_blocked_and_one_ready_but_given_little_cpu_is_starved() {
    StackTraceElement[] computing = {new StackTraceElement("fr.cantou.visio.SlotCalculator", "openSlots", null, 1)};
    StackTraceElement[] reading = {new StackTraceElement("sun.nio.ch.NioSocketImpl", "read", null, 1),
        new StackTraceElement("org.postgresql.core.PGStream", "receive", null, 1)};
    assertThat(BlockedThreadWatch.starved(Thread.State.RUNNABLE, computing, 0.95)).as("computing on a core").isFalse();
    assertThat(BlockedThreadWatch.starved(Thread.State.TIMED_WAITING, computing, 0.01)).as("sleeping").isFalse();
    assertThat(BlockedThreadWatch.starved(Thread.State.BLOCKED, computing, 0.01)).as("waiting for a monitor").isFalse();
    assertThat(BlockedThreadWatch.starved(Thread.State.RUNNABLE, reading, 0.01)).as("a blocking JDBC read").isFalse();
    StackTraceElement[] loading = {new StackTraceElement("java.util.zip.ZipFile$Source", "readFullyAt", null, 1),
        new StackTraceElement("jdk.internal.loader.BuiltinClassLoader", "defineClass", null, 1)};
    assertThat(BlockedThreadWatch.starved(Thread.State.RUNNABLE, loading, 0.05)).as("a class read from a jar").isFalse();
    assertThat(BlockedThreadWatch.starved(Thread.State.RUNNABLE, computing, 0.2)).as("ready, given a fifth of a core")
        .isTrue();
    StackTraceElement[] nettyWrite = {new StackTraceElement("sun.nio.ch.FileDispatcherImpl", "write0", null, 1),
        new StackTraceElement("sun.nio.ch.SocketDispatcher", "write", null, 1),
        new StackTraceElement("sun.nio.ch.SocketChannelImpl", "write", null, 1),
        new StackTraceElement("io.netty.channel.socket.nio.NioSocketChannel", "doWrite", null, 1)};
    assertThat(BlockedThreadWatch.starved(Thread.State.RUNNABLE, nettyWrite, 0.2))
        .as("in Netty's non-blocking socket write, given a fifth of a core").isTrue();
    assertThat(BlockedThreadWatch.starved(Thread.State.RUNNABLE, nettyWrite, 0.9))
        .as("in Netty's socket write, on a core the whole time").isFalse();
    StackTraceElement[] compressing = {new StackTraceElement("java.util.zip.Deflater", "deflateBytesBytes", null, -2),
        new StackTraceElement("java.util.zip.Deflater", "deflate", null, 1),
        new StackTraceElement("io.netty.handler.codec.compression.JdkZlibEncoder", "deflate", null, 1)};
    assertThat(BlockedThreadWatch.starved(Thread.State.RUNNABLE, compressing, 0.2))
        .as("gzipping an answer in memory, given a fifth of a core").isTrue();
    assertThat(BlockedThreadWatch.starved(Thread.State.RUNNABLE, compressing, 0.9))
        .as("gzipping an answer on a core the whole time").isFalse();
    StackTraceElement[] inflating = {new StackTraceElement("java.util.zip.Inflater", "inflateBytesBytes", null, -2),
        new StackTraceElement("java.util.zip.InflaterInputStream", "read", null, 1),
        new StackTraceElement("jdk.internal.loader.Resource", "getBytes", null, 1),
        new StackTraceElement("jdk.internal.loader.BuiltinClassLoader", "defineClass", null, 1)};
    assertThat(BlockedThreadWatch.starved(Thread.State.RUNNABLE, inflating, 0.2))
        .as("inflating a class's bytes read from its jar, given a fifth of a core").isTrue();
    assertThat(BlockedThreadWatch.starved(Thread.State.RUNNABLE, inflating, 0.9))
        .as("inflating a class's bytes on a core the whole time").isFalse();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
