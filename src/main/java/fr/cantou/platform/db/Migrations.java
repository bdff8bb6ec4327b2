package fr.cantou.platform.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** Flyway over JDBC, run once before the HTTP server opens (it blocks: never on an event loop). */
public final class Migrations {
  private Migrations() {}

  public static MigrateResult migrate(DatabaseEndpoint endpoint) {
    return Flyway.configure()
        .dataSource(endpoint.jdbcUrl(), endpoint.user(), endpoint.password())
        .locations("classpath:db/migration")
        .failOnMissingLocations(true)
        .load()
        .migrate();
  }
}
