package fr.cantou.bench;

import fr.cantou.platform.db.DatabaseEndpoint;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * The bench's database is made for the run, so its WAL has one segment, and PostgreSQL creates each next one (16 MB,
 * zero-filled) the first time the WAL reaches it, holding the WAL write lock meanwhile: every commit of that moment
 * waits (one 35/s fan-out step of 3 December 2026 had commits of 25 and 59 ms, all ending just after
 * {@code pg_wal/…03} was written). A database that has run a while writes into segments its checkpoints recycled, not
 * new ones. Before the first row this switches through six segments and checkpoints, so that the rows find recycled
 * segments ahead of them, as on a node that has run for an hour; before each measured phase it switches and
 * checkpoints again, so that the phase, not the one before it, starts with the segments ahead (Cantou's row and its
 * SQL baseline alike).
 */
final class WalSteadyState {
  /**
   * Six segments switched through: a checkpoint recycles every segment behind its redo point, as many as its estimate
   * of the WAL between two checkpoints asks for (never fewer than min_wal_size's five), the rest removed.
   */
  private static final int SEGMENTS = 5;

  private WalSteadyState() {}

  /** Answers how many WAL files lie ahead of the current one afterwards (for the report's notes). */
  static long prepare(DatabaseEndpoint database) {
    try (Connection c = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
         Statement s = c.createStatement()) {
      s.execute("CREATE TABLE bench_wal_fill (n int)");
      for (int i = 0; i < SEGMENTS + 1; i++) {
        s.execute("INSERT INTO bench_wal_fill VALUES (" + i + ")");
        s.execute("SELECT pg_switch_wal()");
      }
      s.execute("DROP TABLE bench_wal_fill");
      // The first recycles the segments behind its redo point; the second, after one more switch, those of the first.
      s.execute("CHECKPOINT");
      s.execute("SELECT pg_switch_wal()");
      s.execute("CHECKPOINT");
      try (ResultSet ahead = s.executeQuery("SELECT count(*) FROM pg_ls_waldir() "
          + "WHERE name ~ '^[0-9A-F]{24}$' AND name > pg_walfile_name(pg_current_wal_lsn())")) {
        ahead.next();
        return ahead.getLong(1);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
