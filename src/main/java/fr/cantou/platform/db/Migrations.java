package fr.cantou.platform.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.pattern.ValidatePattern;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;

/**
 * Flyway over JDBC, run once before the HTTP server opens (it blocks: never on an event loop).
 * Migrations only go forward, and each must leave the schema usable by the version before it
 * (operations.md, "Upgrades"). The reverse does not hold: a node older than the schema may not
 * know a constraint or a column a newer one relies on, so it refuses to start.
 */
public final class Migrations {
  private Migrations() {}

  public static MigrateResult migrate(DatabaseEndpoint endpoint) {
    Flyway inOrder = flyway(endpoint, false);
    try {
      return inOrder.migrate();
    } catch (FlywayValidateException e) {
      refuseNewerSchema(inOrder);
      if (!comesBelowApplied(inOrder)) {
        throw e;
      }
    }
    // Numbers are handed to pieces of work in ranges, so a later release may bring a migration numbered below one
    // already applied (V30 after V50): it is applied then, not refused. Such a migration never relies on the
    // higher-numbered ones it may precede. Only then is Flyway's out-of-order mode on: it warns at every migrate that
    // the schema "may not be reproducible", which every start of an up-to-date database used to log.
    Flyway outOfOrder = flyway(endpoint, true);
    try {
      return outOfOrder.migrate();
    } catch (FlywayValidateException e) {
      refuseNewerSchema(outOfOrder);
      throw e;
    }
  }

  private static Flyway flyway(DatabaseEndpoint endpoint, boolean outOfOrder) {
    return Flyway.configure()
        .dataSource(endpoint.jdbcUrl(), endpoint.user(), endpoint.password())
        .locations("classpath:db/migration")
        .failOnMissingLocations(true)
        .outOfOrder(outOfOrder)
        // Flyway ignores by default the migrations it does not know (applied by a newer version), and those below the
        // latest applied: here none is ignored, so that one pass (migrate's own validation, every checksum of what was
        // applied compared with the files) checks and migrates; a restart on an up-to-date schema does nothing more. An
        // applied migration changed since is refused as before.
        .ignoreMigrationPatterns(new ValidatePattern[0])
        .load();
  }

  /** A migration of this version, never applied, numbered below the latest one applied. */
  private static boolean comesBelowApplied(Flyway flyway) {
    return Arrays.stream(flyway.info().all()).anyMatch(m -> m.getState() == MigrationState.IGNORED);
  }

  /** Migrations applied by a newer version stop the start with one line saying so. */
  private static void refuseNewerSchema(Flyway flyway) {
    MigrationInfo[] applied = flyway.info().applied();
    Optional<MigrationInfo> newest = Arrays.stream(applied)
        .filter(m -> m.getState() == MigrationState.FUTURE_SUCCESS || m.getState() == MigrationState.FUTURE_FAILED)
        .max(Comparator.comparing(MigrationInfo::getVersion));
    if (newest.isPresent()) {
      String known = Arrays.stream(flyway.info().all()).filter(m -> m.getState().isResolved() && m.getVersion() != null)
          .map(MigrationInfo::getVersion).max(Comparator.naturalOrder()).map(Object::toString).orElse("none");
      throw new StartFailed("the database was migrated by a newer version of Cantou (schema version "
          + newest.get().getVersion() + ", this node knows up to " + known + "): start the newer version on it, "
          + "never an older one");
    }
  }
}
