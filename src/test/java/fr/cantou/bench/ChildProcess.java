package fr.cantou.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A process of the bench (a node, the load generator, a baseline server), so that the process
 * under load and the process making it are measured apart (CPU from /proc) and cannot share a
 * heap or a JIT. Started through a shell that raises the file limit first: 50,000 sockets need
 * more than the default, and {@code ulimit -n} only applies to the shell and what it execs
 * (exec keeps the pid, so /proc reads the program itself).
 */
final class ChildProcess implements AutoCloseable {
  static final int FILE_LIMIT = 200_000;

  private final String name;
  private final Process process;

  private ChildProcess(String name, Process process) {
    this.name = name;
    this.process = process;
  }

  /** A main class of the test class path in a JVM of its own; see {@link #command}. */
  static ChildProcess java(String name, String mainClass, List<String> jvmOptions, List<String> args, Map<String, String> env,
                           Path workDir, Path log, boolean pipe) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    return command(name, command, env, workDir, log, pipe);
  }

  /** Output goes to {@code log} (appended); stdin and stdout stay with the caller when {@code pipe}. */
  static ChildProcess command(String name, List<String> program, Map<String, String> env, Path workDir, Path log,
                              boolean pipe) {
    List<String> command = new ArrayList<>(List.of("bash", "-c",
        "ulimit -n " + FILE_LIMIT + " 2>/dev/null || ulimit -n \"$(ulimit -Hn)\"; exec \"$@\"", name));
    command.addAll(program);
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    builder.environment().putAll(env);
    try {
      Files.createDirectories(log.getParent());
      if (pipe) {
        builder.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
      } else {
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      }
      Process process = builder.start();
      // Maven stopped (Ctrl-C, timeout): no node, database or server of the bench outlives the run.
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
      return new ChildProcess(name, process);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + name, e);
    }
  }

  /** The soft limit of open files a running process got, from /proc/&lt;pid&gt;/limits. */
  static long fileLimit(long pid) {
    try (var lines = Files.lines(Path.of("/proc", Long.toString(pid), "limits"))) {
      return lines.filter(l -> l.startsWith("Max open files")).findFirst()
          .map(l -> Long.parseLong(l.substring("Max open files".length()).trim().split("\\s+")[0])).orElse(1024L);
    } catch (IOException | NumberFormatException e) {
      return 1024;
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  Process process() {
    return process;
  }

  /** SIGTERM (the node's graceful stop), then SIGKILL after 20 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
