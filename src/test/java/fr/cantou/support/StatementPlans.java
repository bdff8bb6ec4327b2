package fr.cantou.support;

import fr.cantou.platform.db.DatabaseEndpoint;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * How PostgreSQL plans a statement the way a pool keeps it prepared: planned with its values (its first runs), then on
 * the generic plan it may settle on; each as EXPLAIN's text (not run). For the statements that must never read a table
 * whole, whichever plan they end on.
 */
public final class StatementPlans {
  private StatementPlans() {}

  /** Planned with its values (its first runs), then on the generic plan: the order of what {@link #of} and {@link #run} give. */
  public static final List<String> MODES = List.of("force_custom_plan", "force_generic_plan");

  /** A hundred doctors' accounts, for rows that name one (the n-th: {@code row_number() OVER ()} of app_user). */
  public static final String HUNDRED_DOCTORS = """
      INSERT INTO app_user (email, password_hash, role, display_name)
      SELECT 'medecin' || i || '@cantal.test', 'x', 'doctor', 'Dr ' || i FROM generate_series(1, 100) i""";

  /** Planned with these values and on the generic plan, the statement reads {@code index} and no table whole. */
  public static void readThrough(String index, DatabaseEndpoint db, String sql, String types, String values)
      throws SQLException {
    List<String> plans = of(db, sql, types, values);
    for (int i = 0; i < plans.size(); i++) {
      org.assertj.core.api.Assertions.assertThat(plans.get(i)).as(MODES.get(i)).contains(index).doesNotContain("Seq Scan");
    }
  }

  /** {@code types}: of its parameters ("timestamptz, int"); {@code values}: as SQL ("'2026-11-07T09:00:00Z', 1000"). */
  public static List<String> of(DatabaseEndpoint db, String sql, String types, String values) throws SQLException {
    return explained(db, sql, types, values, "COSTS OFF");
  }

  /**
   * Run, as EXPLAIN (ANALYZE, FORMAT JSON) gives it, planned with these values and on the generic plan (in that order):
   * what each node of the plan actually read.
   */
  public static List<String> run(DatabaseEndpoint db, String sql, String types, String values) throws SQLException {
    return explained(db, sql, types, values, "ANALYZE, FORMAT JSON");
  }

  private static List<String> explained(DatabaseEndpoint db, String sql, String types, String values, String options)
      throws SQLException {
    try (var connection = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
         var statement = connection.createStatement()) {
      statement.execute("PREPARE planned(" + types + ") AS " + sql);
      List<String> plans = new ArrayList<>();
      for (String mode : MODES) {
        statement.execute("SET plan_cache_mode = " + mode);
        StringBuilder plan = new StringBuilder();
        try (var rows = statement.executeQuery("EXPLAIN (" + options + ") EXECUTE planned(" + values + ")")) {
          while (rows.next()) {
            plan.append(rows.getString(1)).append('\n');
          }
        }
        plans.add(plan.toString());
      }
      return plans;
    }
  }

  /** Runs these statements on {@code db} (the rows a plan is judged on), then has its statistics taken. */
  public static void filled(DatabaseEndpoint db, String... statements) throws SQLException {
    try (var connection = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
         var statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
      statement.execute("ANALYZE");
    }
  }
}
