package fr.cantou.platform.db;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded database's port (database.embeddedPort) is fixed when nodes share it: an operator may pick one another
 * PostgreSQL already holds. The node must then refuse to start, never migrate and run on that other server's data.
 */
class EmbeddedDatabasePortTest {

  @Test
  void a_port_held_by_another_postgresql_stops_the_start_and_leaves_that_server_untouched(@TempDir Path ours,
                                                                                         @TempDir Path theirs) throws Exception {
    try (EmbeddedDatabase other = EmbeddedDatabase.start(theirs, 0)) {
      int port = other.endpoint().port();

      assertThatThrownBy(() -> EmbeddedDatabase.start(ours, port))
          .isInstanceOf(StartFailed.class)
          .hasMessageContaining(String.valueOf(port))
          .hasMessageContaining("database.embeddedPort");

      try (Connection connection = DriverManager.getConnection(
              "jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "");
           Statement statement = connection.createStatement();
           ResultSet rs = statement.executeQuery("SELECT current_setting('data_directory')")) {
        rs.next();
        assertThat(Path.of(rs.getString(1)).toRealPath()).isEqualTo(theirs.toRealPath());
      }
    }
  }

  /**
   * The other PostgreSQL runs in a container (docker's port mapping): the data directory it names does not exist on
   * this machine. Staged with a server started through a symbolic link, removed since.
   */
  @Test
  void a_port_held_by_a_postgresql_whose_data_is_not_on_this_machine_stops_the_start_with_the_port_named(
      @TempDir Path ours, @TempDir Path theirs) throws Exception {
    Path link = Files.createSymbolicLink(theirs.resolveSibling(theirs.getFileName() + "-link"), theirs);
    try (EmbeddedDatabase other = EmbeddedDatabase.start(link, 0)) {
      int port = other.endpoint().port();
      Files.delete(link);
      try {
        assertThatThrownBy(() -> EmbeddedDatabase.start(ours, port))
            .isInstanceOf(StartFailed.class)
            .hasMessageContaining(String.valueOf(port))
            .hasMessageContaining("database.embeddedPort");
      } finally {
        // Its server is stopped through the path it was started with.
        Files.createSymbolicLink(link, theirs);
      }
    }
  }
}
