package fr.cantou.platform;

import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.platform.db.EmbeddedDatabase;
import fr.cantou.platform.db.Migrations;
import fr.cantou.support.Api;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database stops under a steady stream of bookings, then returns: answers fail fast with
 * 503 and Retry-After (never 500, never hang), /ready follows, the open sockets are told that
 * the service is degraded and then that it is back, everything works again without a restart,
 * and every booking acknowledged with 201 is there once, and reaches the agent's socket once
 * (the one that stayed open through the stop, and the one that dropped and resumed with
 * {@code since} after the return).
 */
class DatabaseStopTest {
  private static final int CLIENTS = 4;
  private static final Duration DOWN = Duration.ofSeconds(5);

  private record Answer(String slot, int status, String retryAfter, long millis, String id) {}

  @Test
  void bookings_during_a_database_stop_fail_fast_with_503_and_nothing_acknowledged_is_lost(@TempDir Path data) throws Exception {
    EmbeddedDatabase database = EmbeddedDatabase.start(data, 0);
    DatabaseEndpoint endpoint = database.endpoint();
    Migrations.migrate(endpoint);
    ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
    try (TestNode node = TestNode.start(endpoint, Map.of(), clock)) {
      VisioTerritory visio = new VisioTerritory(node);
      // A week per request: each is computed on an event loop, kept short as a page's would be.
      ConcurrentLinkedQueue<String> slots = freeSlots(node, visio.serviceId, "2026-12-01/2026-12-04", "2026-12-07/2026-12-11",
          "2026-12-14/2026-12-18", "2027-01-04/2027-01-08", "2027-01-11/2027-01-15");
      assertThat(slots).hasSizeGreaterThan(300);
      Api api = node.api.overHttp1();
      // The agent's day view: one socket stays open through the stop, the other drops during it.
      List<JsonObject> stays = new ArrayList<>();
      WsClient staying = WsClient.hello(node.port(), visio.agent, null);
      WsClient dropping = WsClient.hello(node.port(), visio.agent, null);
      List<JsonObject> dropped = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        clients.submit(() -> {
          String start;
          while (running.get() && (start = slots.poll()) != null) {
            long begun = System.nanoTime();
            Api.Response r = api.post("/api/visio/appointments", VisioTerritory.booking(visio.serviceId, start));
            answers.add(new Answer(start, r.status(), r.headers().firstValue("Retry-After").orElse(null),
                (System.nanoTime() - begun) / 1_000_000, r.status() == 201 ? r.json().getString("id") : null));
            if (r.status() == 503) {
              // Tried again later, as the citizen's page would: the slot goes back in the queue.
              slots.add(start);
              pause();
            }
          }
        });
      }
      awaitAnswers(answers, 20, s -> s == 201);

      database.close();
      Instant stopped = Instant.now();
      assertThat(readyBecomes(node, 503, Duration.ofSeconds(2))).as("/ready 503 within 2 s of the stop").isTrue();
      collectUntil(staying, stays, DEGRADED, Duration.ofSeconds(3).minus(Duration.between(stopped, Instant.now())),
          "the open socket told within 3 s of the stop that the service is degraded");
      collectUntil(dropping, dropped, DEGRADED, Duration.ofSeconds(3), "the other socket told too");
      long droppedAt = maxEventId(dropped);
      dropping.close();
      awaitAnswers(answers, 10, s -> s == 503);
      Thread.sleep(Math.max(0, DOWN.minus(Duration.between(stopped, Instant.now())).toMillis()));

      database = EmbeddedDatabase.start(data, endpoint.port());
      int before = count(answers, 201);
      Instant back = Instant.now();
      assertThat(readyBecomes(node, 200, Duration.ofSeconds(5))).as("/ready 200 within 5 s of the return").isTrue();
      collectUntil(staying, stays, BACK, Duration.ofSeconds(5).minus(Duration.between(back, Instant.now())),
          "the open socket told within 5 s of the return that the service is back");
      assertThat(stays.stream().filter(m -> "service".equals(m.getString("type"))).map(m -> m.getString("state")))
          .as("told once that it stopped, once that it is back").containsExactly("degraded", "ok");
      awaitAnswers(answers, before + 1, s -> s == 201);
      assertThat(Duration.between(back, Instant.now())).as("bookings again within 5 s").isLessThan(Duration.ofSeconds(5));
      awaitAnswers(answers, before + 20, s -> s == 201);
      running.set(false);
      clients.shutdown();
      assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

      List<Answer> all = new ArrayList<>(answers);
      // The dropped socket resumes from the last event it had; both must end with the same events.
      WsClient resumed = WsClient.connect(node.port());
      resumed.send(new JsonObject().put("type", "hello").put("token", visio.agent).put("since", droppedAt));
      assertThat(resumed.next(m -> "welcome".equals(m.getString("type"))).getBoolean("resumed"))
          .as("resumed after the return, not a fresh snapshot").isTrue();
      List<String> acknowledgedIds = all.stream().filter(a -> a.status() == 201).map(Answer::id).toList();
      collectUntil(staying, stays, m -> new java.util.HashSet<>(bookedIds(m)).containsAll(acknowledgedIds), Duration.ofSeconds(20),
          "every acknowledged booking pushed to the socket that stayed");
      long lastSeen = maxEventId(stays);
      List<JsonObject> after = new ArrayList<>();
      collectUntil(resumed, after, m -> maxEventId(m) >= lastSeen, Duration.ofSeconds(20),
          "the resumed socket caught up");
      assertThat(eventIds(stays)).as("ids increase on the socket that stayed: none doubled").isSorted()
          .doesNotHaveDuplicates();
      List<JsonObject> droppedThenResumed = new ArrayList<>(dropped);
      droppedThenResumed.addAll(after);
      long baseline = Math.max(snapshotId(stays), snapshotId(dropped));
      assertThat(between(eventIds(droppedThenResumed), baseline, lastSeen))
          .as("before the drop, then resumed with since: the events of the socket that stayed, once each")
          .isEqualTo(between(eventIds(stays), baseline, lastSeen))
          .hasSizeGreaterThanOrEqualTo(acknowledgedIds.size());
      assertThat(bookedIds(stays)).doesNotHaveDuplicates();
      staying.close();
      resumed.close();
      assertThat(all).extracting(Answer::status).as("201, 503, or 409 for a slot tried again").isSubsetOf(201, 503, 409);
      assertThat(all).filteredOn(a -> a.status() == 409)
          .allMatch(taken -> all.stream().anyMatch(a -> a.slot().equals(taken.slot()) && a.status() == 503));
      assertThat(all).filteredOn(a -> a.status() == 503).extracting(Answer::retryAfter).doesNotContainNull();
      assertThat(all).extracting(Answer::millis).as("no request hangs").allMatch(ms -> ms < 10_000);
      List<String> acknowledged = all.stream().filter(a -> a.status() == 201).map(Answer::id).toList();
      assertThat(acknowledged).doesNotHaveDuplicates();
      try (var connection = DriverManager.getConnection(endpoint.jdbcUrl(), endpoint.user(), endpoint.password());
           var statement = connection.prepareStatement("SELECT count(*) FROM appointment WHERE id = ANY (?::uuid[])")) {
        statement.setArray(1, connection.createArrayOf("text", acknowledged.toArray()));
        try (var rows = statement.executeQuery()) {
          rows.next();
          assertThat(rows.getInt(1)).as("every acknowledged booking is there, once").isEqualTo(acknowledged.size());
        }
      }
    } finally {
      running.set(false);
      clients.shutdownNow();
      database.close();
    }
  }

  private static final Predicate<List<JsonObject>> DEGRADED = told("degraded");
  private static final Predicate<List<JsonObject>> BACK = told("ok");

  private static Predicate<List<JsonObject>> told(String state) {
    return messages -> messages.stream().anyMatch(m -> "service".equals(m.getString("type")) && state.equals(m.getString("state")));
  }

  /** Adds what the socket receives to {@code into} until what it holds is what is wanted, within the time given. */
  private static void collectUntil(WsClient socket, List<JsonObject> into, Predicate<List<JsonObject>> wanted, Duration within,
                                   String what) {
    long deadline = System.nanoTime() + Math.max(0, within.toNanos());
    while (!wanted.test(into)) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      into.addAll(socket.drain(Duration.ofMillis(50)));
    }
  }

  private static List<Long> eventIds(List<JsonObject> messages) {
    return messages.stream().filter(m -> "event".equals(m.getString("type"))).map(m -> m.getLong("id")).toList();
  }

  private static long snapshotId(List<JsonObject> messages) {
    return messages.stream().filter(m -> "snapshot".equals(m.getString("type"))).findFirst().orElseThrow().getLong("lastEventId");
  }

  private static List<Long> between(List<Long> ids, long after, long upTo) {
    return ids.stream().filter(id -> id > after && id <= upTo).toList();
  }

  private static long maxEventId(List<JsonObject> messages) {
    return messages.stream().mapToLong(m -> "snapshot".equals(m.getString("type")) ? m.getLong("lastEventId")
        : "event".equals(m.getString("type")) ? m.getLong("id") : 0L).max().orElse(0L);
  }

  private static List<String> bookedIds(List<JsonObject> messages) {
    return messages.stream().filter(m -> "event".equals(m.getString("type")) && "appointment.booked".equals(m.getString("kind")))
        .map(m -> m.getJsonObject("data").getString("id")).toList();
  }

  /** The free slots the API offers in these ranges (holidays have none). */
  private static ConcurrentLinkedQueue<String> freeSlots(TestNode node, String serviceId, String... ranges) {
    ConcurrentLinkedQueue<String> slots = new ConcurrentLinkedQueue<>();
    for (String dates : ranges) {
      String[] range = dates.split("/");
      node.api.get("/api/visio/services/" + serviceId + "/slots?from=" + range[0] + "&to=" + range[1]).array()
          .forEach(slot -> slots.add(((io.vertx.core.json.JsonObject) slot).getString("start")));
    }
    return slots;
  }

  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int count(ConcurrentLinkedQueue<Answer> answers, int status) {
    return (int) answers.stream().filter(a -> a.status() == status).count();
  }

  private static void awaitAnswers(ConcurrentLinkedQueue<Answer> answers, int atLeast, java.util.function.IntPredicate status)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (answers.stream().filter(a -> status.test(a.status())).count() < atLeast) {
      assertThat(System.nanoTime()).as("%d answers wanted; so far by status %s", atLeast, answers.stream()
          .collect(java.util.stream.Collectors.groupingBy(Answer::status, java.util.stream.Collectors.counting())))
          .isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static boolean readyBecomes(TestNode node, int status, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (node.api.get("/ready").status() == status) {
          return true;
        }
      } catch (IllegalStateException notAnswered) {
        // counted as not yet
      }
      Thread.sleep(100);
    }
    return false;
  }
}
