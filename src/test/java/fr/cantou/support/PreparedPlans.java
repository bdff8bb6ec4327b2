package fr.cantou.support;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.Optional;

/** How PostgreSQL planned the statements one connection keeps prepared ({@code pg_prepared_statements}). */
public final class PreparedPlans {
  private PreparedPlans() {}

  /** Calls run on the generic plan and those planned with their values, of one kept statement. */
  public record Plans(long generic, long custom) {
    public long calls() {
      return generic + custom;
    }
  }

  /** The plans of the kept statement whose text contains {@code text}; empty when none is kept. */
  public static Optional<Plans> of(SqlConnection connection, String text) {
    RowSet<Row> rows = TestNode.await(connection.preparedQuery(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE strpos(statement, $1) > 0")
        .execute(Tuple.of(text)));
    if (rows.size() > 1) {
      throw new IllegalArgumentException("more than one kept statement contains: " + text);
    }
    return rows.size() == 0 ? Optional.empty()
        : Optional.of(new Plans(rows.iterator().next().getLong("generic_plans"), rows.iterator().next().getLong("custom_plans")));
  }
}
