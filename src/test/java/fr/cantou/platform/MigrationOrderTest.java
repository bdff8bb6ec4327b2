package fr.cantou.platform;

import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.platform.db.Migrations;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.WatchedLogger;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.DriverManager;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Migration numbers are handed out in ranges, so a release may bring one numbered below a
 * migration already applied (V30, the audit trail, after V50): a database migrated before it
 * existed takes it at the next start instead of refusing to start.
 */
class MigrationOrderTest {

  @Test
  void a_database_already_past_v50_takes_v30_when_it_comes() throws Exception {
    DatabaseEndpoint database = TestDatabase.server().createIfMissing("cantou_before_v30");
    Path earlier = Files.createTempDirectory("cantou-migrations-before-v30");
    try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
      // That database was at V50 and never saw V30, nor V40–V49, which came after it and build on its tables; nor
      // anything numbered after V50, which did not exist yet (V107 reads V30's trail).
      for (Path file : files.filter(f -> !existedAfterV30(f.getFileName().toString())).toList()) {
        Files.copy(file, earlier.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Flyway.configure().dataSource(database.jdbcUrl(), database.user(), database.password())
        .locations("filesystem:" + earlier).load().migrate();

    try (WatchedLogger flyway = WatchedLogger.of(FLYWAY_MIGRATE)) {
      Migrations.migrate(database);
      assertThat(flyway.lines()).as("said when it really happens").anyMatch(line -> line.contains("outOfOrder"));
    }

    try (var connection = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
         var statement = connection.createStatement();
         var applied = statement.executeQuery("SELECT success FROM flyway_schema_history WHERE version = '30'")) {
      assertThat(applied.next()).as("V30 applied").isTrue();
      assertThat(applied.getBoolean(1)).isTrue();
      statement.execute("SELECT h.address, c.address FROM health_data_access h, change_audit c LIMIT 0");
    }
  }

  @Test
  void a_new_database_and_its_every_restart_migrate_in_order_without_flyways_warning() throws Exception {
    DatabaseEndpoint database = TestDatabase.server().createIfMissing("cantou_in_order");
    try (WatchedLogger flyway = WatchedLogger.of(FLYWAY_MIGRATE)) {
      ch.qos.logback.classic.Level level = flyway.logger().getLevel();
      flyway.logger().setLevel(ch.qos.logback.classic.Level.INFO); // its lines of each migrate, to know it was heard
      try {
        assertThat(Migrations.migrate(database).migrationsExecuted).as("made").isPositive();
        assertThat(Migrations.migrate(database).migrationsExecuted).as("a restart").isZero();
      } finally {
        flyway.logger().setLevel(level);
      }

      assertThat(flyway.lines()).as("Flyway's lines").anyMatch(line -> line.contains("up to date"))
          .noneMatch(line -> line.contains("outOfOrder"));
    }
  }

  /** Flyway's migrate command, which says when its out-of-order mode is on. */
  private static final String FLYWAY_MIGRATE = "org.flywaydb.core.internal.command.DbMigrate";

  private static boolean existedAfterV30(String file) {
    int version = Integer.parseInt(file.substring(1, file.indexOf("__")));
    return version == 30 || (version >= 40 && version < 50) || version > 50;
  }
}
