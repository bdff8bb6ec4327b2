package fr.cantou.platform;

import fr.cantou.support.Api;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * target/cantou.jar as operations start it: {@code java -jar}, from a folder holding neither
 * config/ nor webapp/ (failsafe runs it after package). Defaults, migrations, pages and the
 * embedded PostgreSQL's binaries must all come from the jar.
 */
class JarIT {

  @Test
  void the_jar_starts_from_any_folder_serves_its_pages_and_stops_on_sigterm(@TempDir Path workDir) throws Exception {
    Path jar = Path.of(System.getProperty("cantou.jar", "target/cantou.jar")).toAbsolutePath();
    assertThat(jar).exists();
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    ProcessBuilder builder = new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
        "-jar", jar.toString()).directory(workDir.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("CANTOU_"));
    builder.environment().put("CANTOU_HTTP_PORT", Integer.toString(port));
    Path log = workDir.resolve("cantou.log");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    try {
      Api api = new Api(port);
      boolean ready = api.readyWithin(process, java.time.Duration.ofSeconds(90));
      assertThat(ready).as("ready within 90 s; log:\n%s", Files.readString(log)).isTrue();
      assertThat(api.get("/").body()).contains("<html");
      assertThat(api.get("/api/visio/services").status()).isEqualTo(200);
      assertThat(workDir.resolve("data").resolve("PG_VERSION")).as("the embedded database's data in ./data").exists();

      process.destroy();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(Files.readString(log)).contains("event=migrations_done").contains("event=stopped");
    } finally {
      process.destroyForcibly();
    }
  }
}
