package fr.cantou.teleconsult;

import fr.cantou.support.CareNodeTest;
import fr.cantou.support.TestNode;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every node's event delivery waits for the oldest writing transaction still open (the outbox's horizon): the jobs
 * change their items in short transactions of a few dozen at most, and still all of them in one run. Found by the
 * outside review of 6 December 2026: the planned requests whose time came together (a morning round planned "for 9 h"
 * in every care home) were announced in one transaction, an event each, and the doctors of a node that died were
 * turned offline in one, holding every node's delivery for as long as they all took (the second while the dead node's
 * pages reconnect and resume); past 4,096 the outbox refuses the transaction, and the job failed at each run.
 */
class JobsInShortTransactionsTest extends CareNodeTest {
  @Test
  void planned_requests_whose_time_comes_together_are_announced_in_short_transactions_all_in_one_run() {
    int planned = QueueJobs.BATCH * 2 + 10;
    Instant at = clock.instant().plus(Duration.ofHours(1));
    for (int i = 0; i < planned; i++) {
      care.create(request("geriatrie", "normal").put("plannedAt", at.toString()));
    }
    runJobsAfter(Duration.ofHours(1).plusMinutes(1), TeleconsultEvents.QUEUED, planned, QueueJobs.BATCH);
  }

  @Test
  void doctors_gone_together_are_turned_offline_in_short_transactions_all_in_one_sweep() {
    int doctors = PresenceService.OFFLINE_BATCH * 2 + 10;
    for (int i = 0; i < doctors; i++) {
      String id = care.user("medecin" + i + "@aurillac.test", "doctor", "Dr Médecin " + i, null,
          new io.vertx.core.json.JsonArray().add("geriatrie"));
      assertThat(node.api.post("/api/presence", care.token(id), new io.vertx.core.json.JsonObject().put("status", "available"))
          .status()).isEqualTo(200);
    }
    // Available, no console open anywhere (as when their node died), and the grace long past.
    runJobsAfter(Duration.ofMinutes(2), TeleconsultEvents.PRESENCE_CHANGED, doctors, PresenceService.OFFLINE_BATCH);
  }

  @Test
  void the_requests_of_doctors_gone_with_their_node_are_given_back_in_short_transactions_all_in_one_run() {
    int doctors = QueueJobs.BATCH * 2 + 10;
    List<java.util.UUID> doctorIds = new ArrayList<>();
    List<java.util.UUID> requestIds = new ArrayList<>();
    for (int i = 0; i < doctors; i++) {
      doctorIds.add(java.util.UUID.fromString(care.user("medecin" + i + "@saint-flour.test", "doctor", "Dr Médecin " + i, null,
          new io.vertx.core.json.JsonArray().add("geriatrie"))));
      requestIds.add(java.util.UUID.fromString(care.create(request("geriatrie", "normal")).getString("id")));
    }
    // Each request taken by a doctor whose consoles were all on a node that died (it says nothing any more).
    TestNode.await(node.node().platform().pool().preparedQuery("""
        UPDATE teleconsultation t SET status = 'assigned', doctor_id = taken.doctor, assigned_at = $3
        FROM unnest($1::uuid[], $2::uuid[]) AS taken(item, doctor) WHERE t.id = taken.item""")
        .execute(io.vertx.sqlclient.Tuple.of(requestIds.toArray(java.util.UUID[]::new), doctorIds.toArray(java.util.UUID[]::new),
            clock.instant().atOffset(java.time.ZoneOffset.UTC))));
    TestNode.await(node.node().platform().pool().preparedQuery("""
        INSERT INTO doctor_connection (node_id, doctor_id, connections, changed_at)
        SELECT 'a-node-that-died', doctor, 1, $2 FROM unnest($1::uuid[]) AS doctor""")
        .execute(io.vertx.sqlclient.Tuple.of(doctorIds.toArray(java.util.UUID[]::new),
            clock.instant().atOffset(java.time.ZoneOffset.UTC))));
    runJobsAfter(Duration.ofMinutes(2), TeleconsultEvents.REQUEUED, doctors, QueueJobs.BATCH);
  }

  /** The clock moved, the jobs run once: they wrote {@code expected} events of this kind, at most {@code batch} a transaction. */
  private void runJobsAfter(Duration later, String kind, int expected, int batch) {
    long before = lastEventId();
    clock.advance(later);
    TestNode.await(node.node().runJobs());
    List<Long> perTransaction = eventsPerTransactionAfter(before, kind);
    assertThat(perTransaction.stream().mapToLong(Long::longValue).sum()).as(kind + " in the run").isEqualTo(expected);
    assertThat(perTransaction).as(kind + " per transaction").allMatch(n -> n <= batch);
  }

  private long lastEventId() {
    return TestNode.await(node.node().platform().pool().query("SELECT COALESCE(max(id), 0) AS id FROM event").execute())
        .iterator().next().getLong("id");
  }

  /** How many events of this kind each transaction wrote: an event's id is its transaction's id shifted left by 12 bits, plus its rank. */
  private List<Long> eventsPerTransactionAfter(long before, String kind) {
    List<Long> perTransaction = new ArrayList<>();
    for (Row row : TestNode.await(node.node().platform().pool().preparedQuery(
        "SELECT count(*) AS n FROM event WHERE id > $1 AND kind = $2 GROUP BY id >> 12")
        .execute(io.vertx.sqlclient.Tuple.of(before, kind)))) {
      perTransaction.add(row.getLong("n"));
    }
    return perTransaction;
  }
}
