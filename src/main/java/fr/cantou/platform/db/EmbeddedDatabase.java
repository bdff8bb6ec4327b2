package fr.cantou.platform.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A real PostgreSQL started from the binaries on Maven Central, its data kept in a folder
 * between restarts. Started before Vert.x, off any event loop: it blocks for seconds.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  public static final String DATABASE = "cantou";

  private final EmbeddedPostgres postgres;
  private final Path dataDir;

  private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDir) {
    this.postgres = postgres;
    this.dataDir = dataDir;
  }

  /** With the default start timeout of config/cantou.yaml (tests, tools). */
  public static EmbeddedDatabase start(Path dataDir, int port) throws IOException, SQLException {
    return start(dataDir, port, Duration.ofSeconds(60));
  }

  /**
   * Starts it, waiting up to {@code startTimeout} for the server to accept connections; a server
   * that does not start ends in a {@link StartFailed} whose message is the one line to show.
   */
  public static EmbeddedDatabase start(Path dataDir, int port, Duration startTimeout) throws SQLException {
    try {
      return starting(dataDir, port, startTimeout);
    } catch (IOException | RuntimeException e) {
      throw new StartFailed("the embedded PostgreSQL in " + dataDir.toAbsolutePath() + " did not start (allowed "
          + startTimeout.toSeconds() + " s by database.embeddedStartSeconds, CANTOU_DATABASE_EMBEDDED_START_SECONDS): "
          + e.getMessage(), e);
    }
  }

  private static EmbeddedDatabase starting(Path dataDir, int port, Duration startTimeout) throws IOException, SQLException {
    Files.createDirectories(dataDir);
    OrphanPostmaster.stopIfAny(dataDir, startTimeout);
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setPGStartupWait(startTimeout)
        .setDataDirectory(dataDir.toAbsolutePath())
        .setCleanDataDirectory(false)
        // Main closes it after the node has drained, not in a shutdown hook of its own.
        .setRegisterShutdownHook(false)
        // The library tunes for throw-away test databases; this one keeps real data.
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("max_connections", "300")
        .setServerConfig("timezone", "UTC");
    if (port > 0) {
      builder.setPort(port);
    }
    EmbeddedPostgres postgres = builder.start();
    OrphanPostmaster.startedHere(dataDir);
    EmbeddedDatabase database = new EmbeddedDatabase(postgres, dataDir);
    database.answersFromItsOwnData(port);
    database.createIfMissing(DATABASE);
    return database;
  }

  /**
   * The server answering on the port is the one started on {@code dataDir}. When another PostgreSQL already held the
   * port (a fixed database.embeddedPort, chosen for two nodes), ours could not listen on it, yet the library's check
   * connected to the other one, trusting local users: the node then migrated and ran on someone else's data.
   */
  private void answersFromItsOwnData(int port) throws IOException, SQLException {
    Path answering;
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
         Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SELECT current_setting('data_directory')")) {
      rs.next();
      answering = Path.of(rs.getString(1));
    }
    // A data directory absent here (a PostgreSQL in a container, by a mapped port) is another's too, named as such.
    if (!Files.exists(answering) || !Files.isSameFile(answering, dataDir)) {
      close();
      throw new IOException("port " + port + " is held by another PostgreSQL (its data in " + answering
          + "): choose a free port with database.embeddedPort (CANTOU_DATABASE_EMBEDDED_PORT)");
    }
  }

  /** Creates a database of that name unless it exists; returns its endpoint. */
  public DatabaseEndpoint createIfMissing(String name) throws SQLException {
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
         Statement statement = connection.createStatement()) {
      try (ResultSet rs = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name.replace("'", "") + "'")) {
        if (!rs.next()) {
          statement.execute("CREATE DATABASE \"" + name.replace("\"", "") + "\"");
        }
      }
    }
    return endpoint(name);
  }

  public DatabaseEndpoint endpoint(String name) {
    return new DatabaseEndpoint("localhost", postgres.getPort(), name, "postgres", "");
  }

  public DatabaseEndpoint endpoint() {
    return endpoint(DATABASE);
  }

  @Override
  public void close() throws IOException {
    try {
      postgres.close();
    } finally {
      OrphanPostmaster.stoppedHere(dataDir);
    }
  }
}
