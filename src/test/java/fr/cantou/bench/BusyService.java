package fr.cantou.bench;

import fr.cantou.support.CareTerritory;
import fr.cantou.support.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The busy service: 20 agents, Monday to Friday 9:00–17:00, 30-minute slots, and
 * 60 % of a month booked (12 of the 20 agents taken on every slot), made through the API.
 */
final class BusyService {
  static final int AGENTS = 20;
  static final int BOOKED_PER_SLOT = 12;

  private final TestNode node;
  private final String admin;
  private String serviceId;
  private LocalDate from;
  private LocalDate to;
  private final List<String> freeStarts = new ArrayList<>();
  private final AtomicInteger nextFree = new AtomicInteger();

  BusyService(TestNode node, String admin) {
    this.node = node;
    this.admin = admin;
  }

  private void setUp() {
    if (serviceId != null) {
      return;
    }
    CareTerritory people = new CareTerritory(node);
    String caf = people.organisation("administration", "CAF du Cantal (banc d'essai)", "Aurillac");
    serviceId = node.api.post("/api/visio/services", admin, new JsonObject().put("organisationId", caf)
        .put("name", "Allocations familiales").put("durationMinutes", 30).put("referencePrefix", "CAF")).json().getString("id");
    JsonArray week = new JsonArray();
    for (int day = 1; day <= 5; day++) {
      week.add(new JsonObject().put("weekday", day).put("start", "09:00").put("end", "17:00"));
    }
    for (int i = 0; i < AGENTS; i++) {
      String agent = people.user("agent" + i + "@bench.test", "agent", "Agent " + i, caf, null);
      node.api.send("PUT", "/api/visio/agents/" + agent + "/availability", admin, new JsonObject()
          .put("serviceIds", new JsonArray().add(serviceId)).put("weekly", week).put("bufferMinutes", 0)
          .put("minNoticeMinutes", 0).put("horizonDays", 60).encode(), java.util.Map.of("Content-Type", "application/json"));
    }
    from = LocalDate.now(ZoneId.of("Europe/Paris")).plusDays(1);
    to = from.plusDays(29);
    JsonArray slots = node.api.get("/api/visio/services/" + serviceId + "/slots?from=" + from + "&to=" + to).array();
    List<String> starts = slots.stream().map(s -> ((JsonObject) s).getString("start")).toList();
    ExecutorService pool = Executors.newFixedThreadPool(32);
    try {
      List<Future<Integer>> calls = new ArrayList<>();
      for (String start : starts) {
        for (int i = 0; i < BOOKED_PER_SLOT; i++) {
          calls.add(pool.submit(() -> node.api.post("/api/visio/appointments", booking(start)).status()));
        }
      }
      long created = 0;
      for (Future<Integer> call : calls) {
        created += call.get() == 201 ? 1 : 0;
      }
      System.out.printf("busy service: %d slots in 30 days, %d appointments booked (%.0f %% of agent slots)%n",
          starts.size(), created, 100.0 * created / (starts.size() * AGENTS));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      pool.shutdownNow();
    }
    freeStarts.addAll(starts);
  }

  static Buffer booking(String start, String serviceId) {
    return new JsonObject().put("serviceId", serviceId).put("start", start)
        .put("citizen", new JsonObject().put("name", "Usager d'essai").put("email", "usager@bench.test")).toBuffer();
  }

  private JsonObject booking(String start) {
    return new JsonObject(booking(start, serviceId));
  }

  private LoadRunner.Request slotsRequest() {
    return new LoadRunner.Request(HttpMethod.GET, "/api/visio/services/" + serviceId + "/slots?from=" + from + "&to=" + to,
        null, null);
  }

  Benchmarks.Scenario slotsOfAMonth(String how, double rate) {
    return Benchmarks.Scenario.of("GET slots, 30 days of a busy service, " + how, rate, () -> {
      setUp();
      LoadRunner.Request request = slotsRequest();
      return () -> request;
    });
  }

  /** Slots read while bookings land in the same month: each booking makes every node recompute its day. */
  Benchmarks.Scenario slotsWhileBooking(double rate, double bookingRate) {
    return slotsOfAMonth("kept in memory, while " + Math.round(bookingRate) + " bookings/s land in it", rate)
        .beside(Benchmarks.Scenario.of("POST appointment beside it, same month", bookingRate, this::nextBookings));
  }

  /** Books the remaining free agent-slots one after another: every booking succeeds (no 409 counted). */
  Benchmarks.Scenario bookings() {
    return Benchmarks.Scenario.of("POST appointment (booking + outbox event + mail rows)", 200, this::nextBookings);
  }

  /** One cursor over the free agent-slots for every scenario that books, so none asks for a full slot. */
  private Supplier<LoadRunner.Request> nextBookings() {
    setUp();
    List<String> remaining = new ArrayList<>();
    for (int i = BOOKED_PER_SLOT; i < AGENTS; i++) {
      remaining.addAll(freeStarts);
    }
    return () -> new LoadRunner.Request(HttpMethod.POST, "/api/visio/appointments", null,
        booking(remaining.get(nextFree.getAndIncrement() % remaining.size()), serviceId));
  }

  Benchmarks.Scenario teleconsultations() {
    return Benchmarks.Scenario.of("POST teleconsultation (queue + timeline + outbox event)", 200, () -> {
      CareTerritory care = new CareTerritory(node, "bench");
      Buffer body = CareTerritory.request("geriatrie", "normal").toBuffer();
      return () -> new LoadRunner.Request(HttpMethod.POST, "/api/teleconsultations", care.nurse, body);
    });
  }

}
