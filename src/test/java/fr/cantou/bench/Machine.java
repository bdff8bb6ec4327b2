package fr.cantou.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.Optional;

/** What the figures were measured on: they mean nothing without it. */
record Machine(int cores, String memory, String cpuModel, String jvm, String postgres, String vertx) {

  static Machine describe(String jdbcUrl, String user, String password) {
    return new Machine(Runtime.getRuntime().availableProcessors(),
        procLine("/proc/meminfo", "MemTotal").map(m -> Long.parseLong(m.replaceAll("\\D", "")) / 1024 + " MiB").orElse("?"),
        procLine("/proc/cpuinfo", "model name").orElse("?"),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        postgres(jdbcUrl, user, password), vertxVersion());
  }

  private static Optional<String> procLine(String file, String key) {
    try (var lines = Files.lines(Path.of(file))) {
      return lines.filter(l -> l.startsWith(key)).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String postgres(String jdbcUrl, String user, String password) {
    try (var connection = DriverManager.getConnection(jdbcUrl, user, password);
         var rows = connection.createStatement().executeQuery("SELECT version()")) {
      rows.next();
      return rows.getString(1);
    } catch (Exception e) {
      return "? (" + e.getMessage() + ")";
    }
  }

  private static String vertxVersion() {
    try (InputStream in = io.vertx.core.Vertx.class.getResourceAsStream("/META-INF/vertx/vertx-version.txt")) {
      return in == null ? "?" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return "?";
    }
  }
}
