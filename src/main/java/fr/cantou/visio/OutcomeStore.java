package fr.cantou.visio;

import fr.cantou.platform.db.DatabaseErrors;
import fr.cantou.platform.db.DatabaseErrors.Rule;
import fr.cantou.platform.db.DatabaseErrors.Violation;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.UUID;

/** SQL of taking back "Terminé" or "Absent" ({@link OutcomeUndo}). */
final class OutcomeStore {
  /**
   * The appointment goes back to where it was — in its call if the agent had joined, else booked — only
   * while it is still completed or absent and was marked after {@code markedAfter}: the database judges the
   * time limit, so two presses, or a press after the limit, change nothing. Back among the booked and
   * in-call appointments, it is under the exclusion constraints again (a time given to another since fails
   * with {@link VisioStore.Refusal#AGENT_TAKEN} or {@link VisioStore.Refusal#POINT_TAKEN}).
   */
  Future<Boolean> reopen(SqlClient db, UUID id, Instant markedAfter) {
    return db.preparedQuery("""
            UPDATE appointment SET status = CASE WHEN agent_joined_at IS NULL THEN 'booked' ELSE 'in_call' END,
                   finished_at = NULL
            WHERE id = $1 AND status IN ('completed', 'no_show') AND finished_at > $2""")
        .execute(Tuple.of(id, VisioStore.utc(markedAfter)))
        .map(rows -> rows.rowCount() == 1)
        .recover(DatabaseErrors.refusals(
            new Rule(Violation.EXCLUSION, "appointment_agent_free", VisioStore.Refusal.AGENT_TAKEN),
            new Rule(Violation.EXCLUSION, "appointment_point_free", VisioStore.Refusal.POINT_TAKEN)));
  }
}
