package fr.cantou.platform;

import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.platform.db.Migrations;
import fr.cantou.support.TestDatabase;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.junit.jupiter.api.Test;

import java.sql.DriverManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A start on an up-to-date schema is one pass of Flyway (its validation, no migration); what was
 * applied is still compared with the files: a migration changed after it ran stops the start.
 */
class MigrationCheckTest {

  @Test
  void an_up_to_date_schema_is_checked_and_left_as_it_is() {
    DatabaseEndpoint database = TestDatabase.fresh();

    assertThat(Migrations.migrate(database).migrationsExecuted).isZero();
  }

  @Test
  void an_applied_migration_changed_since_is_refused() throws Exception {
    DatabaseEndpoint database = TestDatabase.fresh();
    try (var connection = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
         var statement = connection.createStatement()) {
      statement.execute("UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'");
    }

    assertThatThrownBy(() -> Migrations.migrate(database)).isInstanceOf(FlywayValidateException.class)
        .hasMessageContaining("checksum mismatch for migration version 1");
  }
}
