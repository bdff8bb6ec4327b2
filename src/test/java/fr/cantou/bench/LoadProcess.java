package fr.cantou.bench;

import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The orchestrator's handle on the {@link LoadGenerator} process: one command, one answer. */
final class LoadProcess implements AutoCloseable {
  private final ChildProcess jvm;
  private final Writer commands;
  private final BufferedReader answers;

  LoadProcess(Path dir) {
    // Its heap holds up to 50,000 client sockets. G1 with short pauses: the parallel collector it had paused it up to 49 ms
    // (its GC log, 3 December 2026), and a frame arriving during a pause of the generator is timed late, whatever the server.
    jvm = ChildProcess.java("load-generator", LoadGenerator.class.getName(), List.of("-Xmx3g", "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=10",
            "-Xlog:gc:file=" + dir.resolve("load-generator-gc.log").toAbsolutePath() + ":time,uptime"),
        List.of(), Map.of(), Path.of(".").toAbsolutePath(), dir.resolve("load-generator.log"), true);
    commands = new OutputStreamWriter(jvm.process().getOutputStream(), StandardCharsets.UTF_8);
    answers = new BufferedReader(new InputStreamReader(jvm.process().getInputStream(), StandardCharsets.UTF_8));
  }

  long pid() {
    return jvm.pid();
  }

  JsonObject run(JsonObject command) {
    try {
      commands.write(command.encode() + "\n");
      commands.flush();
      String line;
      while ((line = answers.readLine()) != null) {
        if (line.startsWith(LoadGenerator.RESULT)) {
          JsonObject result = new JsonObject(line.substring(LoadGenerator.RESULT.length()));
          if (result.containsKey("error")) {
            throw new IllegalStateException(command.getString("op") + " failed in the load generator: " + result.getString("error"));
          }
          return result;
        }
        System.out.println("[load] " + line);
      }
      throw new IllegalStateException("the load generator ended; see target/bench/load-generator.log");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      commands.write("{\"op\":\"exit\"}\n");
      commands.flush();
    } catch (IOException ignored) {
      // already gone
    }
    jvm.close();
  }
}
