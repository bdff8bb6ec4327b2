package fr.cantou.support;

import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.platform.db.EmbeddedDatabase;
import fr.cantou.platform.db.Migrations;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real embedded PostgreSQL for the whole test run. Each test gets its own database,
 * cloned from a migrated template, so tests never see each other's rows.
 */
public final class TestDatabase {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static EmbeddedDatabase server;
  private static DatabaseEndpoint template;

  private TestDatabase() {}

  public static synchronized DatabaseEndpoint fresh() {
    try {
      if (server == null) {
        Path dir = Files.createTempDirectory("cantou-test-pg");
        server = startedOnAFreePort(dir);
        template = server.createIfMissing("cantou_template");
        Migrations.migrate(template);
        EmbeddedDatabase running = server;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            running.close();
            // Gigabytes of test databases: removed by a process of its own, which outlives the JVM, so that the
            // fork exits at once (Surefire kills a fork whose exit takes over 30 s, and the folder stayed).
            new ProcessBuilder("rm", "-rf", dir.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
          } catch (Exception ignored) {
            // the JVM is going away anyway
          }
        }));
      }
      String name = "cantou_test_" + COUNTER.incrementAndGet();
      try (var connection = java.sql.DriverManager.getConnection(template.withDatabase("postgres").jdbcUrl(),
          template.user(), template.password()); var statement = connection.createStatement()) {
        statement.execute("CREATE DATABASE " + name + " TEMPLATE cantou_template");
      }
      return template.withDatabase(name);
    } catch (Exception e) {
      throw new IllegalStateException("cannot prepare a test database", e);
    }
  }

  /**
   * Started on a port free when chosen. The two test JVMs start their servers at the same instant: one's free port
   * could be taken by the other's before it listened (its check then found the other's data behind it and stopped:
   * f7710a3's clean-clone run, WrongDeviceClockTest, 8 December 2026). Another free port is then tried.
   */
  private static EmbeddedDatabase startedOnAFreePort(Path dir) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return EmbeddedDatabase.start(dir, 0);
      } catch (fr.cantou.platform.db.StartFailed e) {
        if (attempt == 3 || !String.valueOf(e.getMessage()).contains("is held by another PostgreSQL")) {
          throw e;
        }
      }
    }
  }

  /** The embedded server itself, for tests that stop and start a node on the same data. */
  public static synchronized EmbeddedDatabase server() {
    fresh();
    return server;
  }
}
