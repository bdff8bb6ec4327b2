package fr.cantou.bench;

import fr.cantou.platform.db.DatabaseEndpoint;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * {@code -Dbench.pgstat=true}: where PostgreSQL's time goes during a measured phase, statement
 * by statement ({@code pg_stat_statements}, shipped with the embedded binaries). Loading it needs
 * a restart of the server, so node A is started once more before the workloads; the counters are
 * reset after each warm-up and read after the measured phase, divided by its operations. Off by
 * default: the extension costs a little on every statement.
 */
final class StatementTimes {
  static final boolean ON = Boolean.getBoolean("bench.pgstat");
  /** -Dbench.slowStatements=MS (with bench.pgstat): plans of slower statements and lock waits, in the data directory's log/. */
  private static final int SLOW_STATEMENTS_MS = Integer.getInteger("bench.slowStatements", 0);
  private static final int SHOWN = 14;

  private final DatabaseEndpoint database;

  StatementTimes(DatabaseEndpoint database) {
    this.database = database;
  }

  /** Asks the server to load the extension at its next start. */
  static void preload(DatabaseEndpoint database) throws SQLException {
    try (Connection c = connect(database); Statement s = c.createStatement()) {
      if (SLOW_STATEMENTS_MS > 0) {
        // Each statement slower than that logged with its plan as run (actual rows, buffers), and every lock waited for
        // longer: why a statement is slow under the load, which pg_stat_statements' means cannot say.
        s.execute("ALTER SYSTEM SET shared_preload_libraries = pg_stat_statements, auto_explain");
        s.execute("ALTER SYSTEM SET auto_explain.log_min_duration = " + SLOW_STATEMENTS_MS);
        s.execute("ALTER SYSTEM SET auto_explain.log_analyze = on");
        s.execute("ALTER SYSTEM SET auto_explain.log_buffers = on");
        s.execute("ALTER SYSTEM SET log_lock_waits = on");
        s.execute("ALTER SYSTEM SET deadlock_timeout = " + SLOW_STATEMENTS_MS);
        s.execute("ALTER SYSTEM SET logging_collector = on");
      } else {
        s.execute("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'");
      }
      // Planning too: a statement planned again at each execution costs PostgreSQL outside its execution time.
      s.execute("ALTER SYSTEM SET pg_stat_statements.track_planning = on");
    }
  }

  /** After the restart: the extension's view in the node's database. */
  void create() throws SQLException {
    try (Connection c = connect(database); Statement s = c.createStatement()) {
      s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    }
  }

  void reset() {
    if (!ON) {
      return;
    }
    try (Connection c = connect(database); Statement s = c.createStatement()) {
      s.execute("SELECT pg_stat_statements_reset()");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A markdown table of the statements that took most time since the reset, per operation of the phase; null when off. */
  String since(String phase, long operations) {
    if (!ON || operations == 0) {
      return null;
    }
    StringBuilder md = new StringBuilder("PostgreSQL's statements during \"" + phase + "\" (pg_stat_statements, execution and planning time; "
        + operations + " operations):\n\n| statement | calls per operation | ms per call | ms per operation | plans per call | planning ms per operation |\n|---|---|---|---|---|---|\n");
    try (Connection c = connect(database); Statement s = c.createStatement();
         ResultSet total = s.executeQuery("SELECT coalesce(sum(total_exec_time), 0), coalesce(sum(calls), 0),"
             + " coalesce(sum(total_plan_time), 0) FROM pg_stat_statements"
             + " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
      total.next();
      double all = total.getDouble(1);
      long calls = total.getLong(2);
      double planning = total.getDouble(3);
      try (ResultSet top = s.executeQuery("SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 160), calls, total_exec_time, plans, total_plan_time"
          + " FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
          + " ORDER BY total_exec_time + total_plan_time DESC LIMIT " + SHOWN)) {
        while (top.next()) {
          md.append("| `").append(top.getString(1).replace("|", "\\|").replace("`", "'")).append("` | ")
              .append(fmt((double) top.getLong(2) / operations, 2)).append(" | ")
              .append(fmt(top.getDouble(3) / top.getLong(2), 3)).append(" | ")
              .append(fmt(top.getDouble(3) / operations, 3)).append(" | ")
              .append(fmt((double) top.getLong(4) / top.getLong(2), 2)).append(" | ")
              .append(fmt(top.getDouble(5) / operations, 3)).append(" |\n");
        }
      }
      md.append("| **all statements** | ").append(fmt((double) calls / operations, 2)).append(" | | **")
          .append(fmt(all / operations, 3)).append("** | | **").append(fmt(planning / operations, 3)).append("** |\n");
    } catch (SQLException e) {
      return "pg_stat_statements could not be read: " + e.getMessage();
    }
    return md.toString();
  }

  private static String fmt(double value, int decimals) {
    // A statement planned and never run (calls 0, kept with track_planning) has no time per call.
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return "–";
    }
    return String.format(Locale.ROOT, "%,." + decimals + "f", value);
  }

  private static Connection connect(DatabaseEndpoint database) throws SQLException {
    return DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
  }
}
