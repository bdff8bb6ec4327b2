package fr.cantou.platform;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The real entry point, in a process of its own, as a user starts it. */
class MainTest {

  @Test
  void sigterm_stops_the_server_and_its_embedded_database(@org.junit.jupiter.api.io.TempDir java.nio.file.Path data)
      throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    ProcessBuilder builder = java();
    builder.environment().put("CANTOU_HTTP_PORT", Integer.toString(port));
    builder.environment().put("CANTOU_DATABASE_EMBEDDED_DATA_DIR", data.toString());
    java.nio.file.Path log = data.resolveSibling(data.getFileName() + ".log");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    try {
      fr.cantou.support.Api api = new fr.cantou.support.Api(port);
      boolean ready = api.readyWithin(process, java.time.Duration.ofSeconds(60));
      assertThat(ready).as("ready within 60 s").isTrue();
      // pg_ctl detaches the server from the JVM: find it by its data folder.
      java.util.List<ProcessHandle> postgres = ProcessHandle.allProcesses()
          .filter(p -> p.info().commandLine().orElse("").contains(data.toString())).toList();
      assertThat(postgres).isNotEmpty();

      process.destroy();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      String output = java.nio.file.Files.readString(log);
      assertThat(output).contains("event=stopping").contains("event=stopped");
      // The postmaster removes its pid file (which pg_ctl waits for) just before it exits.
      for (ProcessHandle server : postgres) {
        server.onExit().get(10, TimeUnit.SECONDS);
      }
      assertThat(postgres).noneMatch(ProcessHandle::isAlive);
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void a_start_that_fails_once_its_database_runs_stops_that_database(@org.junit.jupiter.api.io.TempDir java.nio.file.Path data)
      throws Exception {
    // Another program holds the port: the database starts and migrates, then the HTTP servers cannot listen.
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      ProcessBuilder builder = java();
      builder.environment().put("CANTOU_HTTP_HOST", "127.0.0.1");
      builder.environment().put("CANTOU_HTTP_PORT", Integer.toString(taken.getLocalPort()));
      builder.environment().put("CANTOU_DATABASE_EMBEDDED_DATA_DIR", data.toString());
      java.nio.file.Path log = data.resolveSibling(data.getFileName() + ".log");
      builder.redirectErrorStream(true).redirectOutput(log.toFile());
      Process process = builder.start();
      try {
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("gave up").isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(java.nio.file.Files.readString(log)).contains("event=database_ready").contains("event=start_failed");
        // pg_ctl detaches the server from the JVM: found by its data folder, it must be gone with the JVM.
        java.util.List<ProcessHandle> postgres = ProcessHandle.allProcesses()
            .filter(p -> p.info().commandLine().orElse("").contains(data.toString())).toList();
        for (ProcessHandle server : postgres) {
          server.onExit().get(10, TimeUnit.SECONDS);
        }
        assertThat(postgres).noneMatch(ProcessHandle::isAlive);
        assertThat(data.resolve("postmaster.pid")).as("its data folder free for the next start").doesNotExist();
      } finally {
        process.destroyForcibly();
        // Whatever this test found running (when it fails) is not left to the next ones.
        ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(data.toString()))
            .forEach(ProcessHandle::destroyForcibly);
      }
    }
  }

  /**
   * Killed outright (kill -9, the OOM killer, systemd's SIGKILL), a node leaves its embedded
   * PostgreSQL running, detached by pg_ctl. The next start stops that server and starts: before,
   * it waited its whole start timeout for the folder and failed, at every restart.
   */
  @Test
  void a_node_killed_outright_starts_again_on_its_folder(@org.junit.jupiter.api.io.TempDir java.nio.file.Path data)
      throws Exception {
    int port = freePort();
    java.nio.file.Path log = data.resolveSibling(data.getFileName() + ".log");
    Process killed = node(data, port, log);
    Process again = null;
    try {
      assertThat(new fr.cantou.support.Api(port).readyWithin(killed, java.time.Duration.ofSeconds(60))).as("first start").isTrue();
      killed.destroyForcibly();
      assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(postgresOn(data)).as("the server the killed node left running").anyMatch(ProcessHandle::isAlive);

      java.nio.file.Path secondLog = data.resolveSibling(data.getFileName() + ".2.log");
      again = node(data, port, secondLog);
      assertThat(new fr.cantou.support.Api(port).readyWithin(again, java.time.Duration.ofSeconds(60)))
          .as("started again on the same folder").isTrue();
      assertThat(java.nio.file.Files.readString(secondLog)).contains("event=embedded_database_orphan")
          .contains("action=stopped");
    } finally {
      killed.destroyForcibly();
      if (again != null) {
        again.destroy();
        again.waitFor(30, TimeUnit.SECONDS);
        again.destroyForcibly();
      }
      postgresOn(data).forEach(ProcessHandle::destroyForcibly);
    }
  }

  /** A second start on the folder of a node still running (a slip at the terminal) leaves that node's database alone. */
  @Test
  void a_second_start_on_a_running_node_s_folder_leaves_its_database_alone(@org.junit.jupiter.api.io.TempDir java.nio.file.Path data)
      throws Exception {
    int port = freePort();
    Process running = node(data, port, data.resolveSibling(data.getFileName() + ".log"));
    try {
      fr.cantou.support.Api api = new fr.cantou.support.Api(port);
      assertThat(api.readyWithin(running, java.time.Duration.ofSeconds(60))).isTrue();
      ProcessBuilder second = java();
      second.environment().put("CANTOU_HTTP_PORT", Integer.toString(freePort()));
      second.environment().put("CANTOU_DATABASE_EMBEDDED_DATA_DIR", data.toString());
      second.environment().put("CANTOU_DATABASE_EMBEDDED_START_SECONDS", "5");
      java.nio.file.Path secondLog = data.resolveSibling(data.getFileName() + ".2.log");
      Process refused = second.redirectErrorStream(true).redirectOutput(secondLog.toFile()).start();
      assertThat(refused.waitFor(90, TimeUnit.SECONDS)).isTrue();
      assertThat(refused.exitValue()).isEqualTo(1);
      assertThat(java.nio.file.Files.readString(secondLog)).doesNotContain("embedded_database_orphan");
      assertThat(api.get("/ready").status()).as("the running node's database, untouched").isEqualTo(200);
    } finally {
      running.destroy();
      running.waitFor(30, TimeUnit.SECONDS);
      running.destroyForcibly();
      postgresOn(data).forEach(ProcessHandle::destroyForcibly);
    }
  }

  private static Process node(java.nio.file.Path data, int port, java.nio.file.Path log) throws java.io.IOException {
    ProcessBuilder builder = java();
    builder.environment().put("CANTOU_HTTP_PORT", Integer.toString(port));
    builder.environment().put("CANTOU_DATABASE_EMBEDDED_DATA_DIR", data.toString());
    // Without the cure, the second start would give up after these seconds rather than the default 60.
    builder.environment().put("CANTOU_DATABASE_EMBEDDED_START_SECONDS", "20");
    return builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** pg_ctl detaches the server from the JVM: found by its data folder. */
  private static java.util.List<ProcessHandle> postgresOn(java.nio.file.Path data) {
    return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(data.toString())).toList();
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static ProcessBuilder java() {
    return new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
        "-cp", System.getProperty("java.class.path"), "fr.cantou.Main");
  }

  @Test
  void a_malformed_setting_stops_start_up_with_one_line_and_no_stack_trace() throws Exception {
    ProcessBuilder builder = java();
    builder.environment().put("CANTOU_HTTP_PORT", "not-a-port");
    builder.redirectErrorStream(true);
    Process process = builder.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(output.lines()).hasSize(1);
    assertThat(output).isEqualTo(
        "Configuration error: http.port (CANTOU_HTTP_PORT) must be a whole number from 0 to 65535, got \"not-a-port\"");
  }

  @Test
  void an_embedded_database_that_does_not_start_is_named_in_one_line(@org.junit.jupiter.api.io.TempDir java.nio.file.Path data)
      throws Exception {
    // Files of a PostgreSQL older than the embedded one: the server refuses to start on them.
    java.nio.file.Files.writeString(data.resolve("PG_VERSION"), "9.6\n");
    ProcessBuilder builder = java();
    builder.environment().put("CANTOU_DATABASE_EMBEDDED_DATA_DIR", data.toString());
    builder.environment().put("CANTOU_DATABASE_EMBEDDED_START_SECONDS", "20");
    Process process = builder.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(process.exitValue()).isEqualTo(1);
    assertThat(errors.lines()).as(errors).hasSize(1);
    assertThat(errors).startsWith("Cantou could not start: the embedded PostgreSQL in " + data.toAbsolutePath()
        + " did not start (allowed 20 s by database.embeddedStartSeconds, CANTOU_DATABASE_EMBEDDED_START_SECONDS): ");
  }

  @Test
  void a_database_migrated_by_a_newer_version_is_refused_in_one_line() throws Exception {
    fr.cantou.platform.db.DatabaseEndpoint database = fr.cantou.support.TestDatabase.fresh();
    try (var connection = java.sql.DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
         var statement = connection.createStatement()) {
      statement.execute("""
          INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by,
                                             execution_time, success)
          SELECT max(installed_rank) + 1, '9999', 'from a newer node', 'SQL', 'V9999__from_a_newer_node.sql', 0, 'postgres', 1, true
          FROM flyway_schema_history""");
    }
    ProcessBuilder builder = java();
    builder.environment().put("CANTOU_DATABASE_URL", "postgresql://" + database.user() + "@" + database.host() + ":"
        + database.port() + "/" + database.database());
    Process process = builder.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(process.exitValue()).isEqualTo(1);
    assertThat(errors.lines()).as(errors).hasSize(1);
    assertThat(errors).matches("Cantou could not start: the database was migrated by a newer version of Cantou "
        + "\\(schema version 9999, this node knows up to \\d+\\): start the newer version on it, never an older one");
  }
}
