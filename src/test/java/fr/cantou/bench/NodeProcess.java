package fr.cantou.bench;

import com.sun.tools.attach.VirtualMachine;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Cantou node as an operator runs it: target/cantou.jar started by scripts/cantou.sh in its own
 * JVM, configured by CANTOU_* variables, in a working folder of its own (its embedded database's
 * data, its class data archive, and a copy of the pages, to which the bench adds the static file
 * of the slot-search baseline).
 */
final class NodeProcess implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final ChildProcess jvm;
  private final int port;
  private final Path workDir;

  private NodeProcess(ChildProcess jvm, int port, Path workDir) {
    this.jvm = jvm;
    this.port = port;
    this.workDir = workDir;
  }

  /** Starts the node and waits for /ready; {@code env} adds to the bench's defaults. */
  static NodeProcess start(String name, Path workDir, Map<String, String> env, int port) {
    Map<String, String> all = new HashMap<>();
    all.put("CANTOU_HTTP_PORT", Integer.toString(port));
    all.put("CANTOU_HTTP_PUBLIC_URL", "http://127.0.0.1:" + port);
    all.put("CANTOU_ADMIN_EMAIL", Fixtures.ADMIN_EMAIL);
    all.put("CANTOU_ADMIN_PASSWORD", Fixtures.ADMIN_PASSWORD);
    // The load books anonymously from one address for a few made-up people: not what the
    // anonymous limits are for.
    all.put("CANTOU_VISIO_ANONYMOUS_BOOKINGS_PER_ADDRESS", "100000");
    all.put("CANTOU_VISIO_ANONYMOUS_BOOKINGS_PER_CONTACT", "100000");
    // -Dbench.eventLoops: the nodes' http.eventLoops (default: theirs, one per core).
    if (!System.getProperty("bench.eventLoops", "").isBlank()) {
      all.put("CANTOU_HTTP_EVENT_LOOPS", System.getProperty("bench.eventLoops"));
    }
    all.putAll(env);
    // Its pauses beside the report (target/bench/<node>-gc.log): a late frame may owe them.
    List<String> jvmOptions = new ArrayList<>(List.of("-XX:+UseG1GC",
        "-Xlog:gc:file=" + workDir.getParent().resolve(name + "-gc.log").toAbsolutePath() + ":time,uptime"));
    // -Dbench.nodeJvm="…": more JVM options for every node (e.g. a perf map for a system profiler).
    jvmOptions.addAll(Benchmarks.extraJvmOptions());
    if (Boolean.getBoolean("bench.jfr")) {
      // Profile on demand: jfr print --events jdk.ExecutionSample target/bench/<node>.jfr
      jvmOptions.add("-XX:FlightRecorderOptions=stackdepth=256");
      jvmOptions.add("-XX:StartFlightRecording=filename=" + workDir.getParent().resolve(name + ".jfr").toAbsolutePath()
          + ",settings=" + System.getProperty("bench.jfc", "profile") + ",dumponexit=true");
    }
    try {
      Files.createDirectories(workDir);
      copyPages(workDir.resolve("webapp"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    // The jar of this build through the start script, as operations run it: its class data
    // archive (workDir/cantou.jsa) is written when the node first stops and used from the next start.
    Path jar = Path.of("target", "cantou.jar").toAbsolutePath();
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: the bench runs in verify, after package");
    }
    all.put("CANTOU_JAR", jar.toString());
    List<String> command = new ArrayList<>(List.of("bash", Path.of("scripts", "cantou.sh").toAbsolutePath().toString()));
    command.addAll(jvmOptions);
    ChildProcess jvm = ChildProcess.command(name, command, all, workDir, workDir.getParent().resolve(name + ".log"), false);
    NodeProcess node = new NodeProcess(jvm, port, workDir);
    node.awaitReady(Duration.ofSeconds(180));
    return node;
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void copyPages(Path to) throws IOException {
    if (Files.exists(to)) {
      return;
    }
    Path from = Path.of("webapp").toAbsolutePath();
    try (var files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
  }

  /** Polls /ready every 10 ms; returns how long it took from now. */
  Duration awaitReady(Duration limit) {
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
        .timeout(Duration.ofSeconds(2)).build();
    while (System.nanoTime() < deadline) {
      if (!jvm.process().isAlive()) {
        throw new IllegalStateException(jvm.name() + " exited with " + jvm.process().exitValue() + ", see its log");
      }
      try {
        if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return Duration.ofNanos(System.nanoTime() - start);
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sleep(10);
    }
    throw new IllegalStateException(jvm.name() + " not ready after " + limit);
  }

  int port() {
    return port;
  }

  long pid() {
    return jvm.pid();
  }

  Path workDir() {
    return workDir;
  }

  /**
   * Heap in use after a full collection, read over JMX through the attach API: the bench's own
   * diagnostic, nothing added to the node. Two collections, so that what the first freed is gone.
   */
  long heapAfterGc() {
    try {
      VirtualMachine vm = VirtualMachine.attach(Long.toString(pid()));
      try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()))) {
        MBeanServerConnection connection = connector.getMBeanServerConnection();
        MemoryMXBean memory = ManagementFactory.newPlatformMXBeanProxy(connection, ManagementFactory.MEMORY_MXBEAN_NAME,
            MemoryMXBean.class);
        memory.gc();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
      } finally {
        vm.detach();
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the heap of " + jvm.name(), e);
    }
  }

  /** What the heap holds, class by class (live objects, after a full GC), as {@code jcmd GC.class_histogram} writes it. */
  String classHistogram() {
    try {
      Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid()), "GC.class_histogram").redirectErrorStream(true).start();
      String out = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      jcmd.waitFor();
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the heap of " + jvm.name(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The blocked-thread warnings Vert.x logged while the node ran. */
  long blockedWarnings() {
    try (var lines = Files.lines(workDir.getParent().resolve(jvm.name() + ".log"))) {
      return lines.filter(l -> l.contains("has been blocked for")).count();
    } catch (IOException e) {
      return -1;
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    jvm.close();
  }
}
