package fr.cantou.visio;

import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.support.Api;
import fr.cantou.support.Eventually;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static fr.cantou.support.VisioTerritory.booking;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each node keeps the slots it computed in memory, and the whole answers made from them
 * ({@link SlotAnswers}). What it answers must stay true: at once on the node where a calendar
 * changed, within moments on every other node, and as time passes.
 */
class SlotsInMemoryTest {
  /** Monday 30 November 2026, 7:00 in Paris; both nodes share this clock. */
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
  TestNode a;
  TestNode b;
  VisioTerritory visio;

  @BeforeEach
  void start() {
    DatabaseEndpoint database = TestDatabase.fresh();
    a = TestNode.start(database, Map.of(), clock);
    b = TestNode.start(database, Map.of(), clock);
    visio = new VisioTerritory(a);
  }

  @AfterEach
  void stop() {
    b.close();
    a.close();
  }

  static List<String> starts(TestNode node, String serviceId, String from, String to, String pointId) {
    String path = "/api/visio/services/" + serviceId + "/slots?from=" + from + "&to=" + to
        + (pointId == null ? "" : "&pointId=" + pointId);
    Api.Response response = node.api.get(path);
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    return response.array().stream().map(slot -> ((JsonObject) slot).getString("start")).toList();
  }

  List<String> tuesday(TestNode node) {
    return starts(node, visio.serviceId, "2026-12-01", "2026-12-01", null);
  }

  static final String NINE = "2026-12-01T09:00:00+01:00";
  static final String TEN = "2026-12-01T10:00:00+01:00";

  @Test
  void a_booking_takes_the_slot_off_its_node_at_once_and_off_the_other_node_within_moments() {
    assertThat(tuesday(a)).contains(NINE);
    assertThat(tuesday(b)).contains(NINE);

    assertThat(visio.book(NINE).status()).isEqualTo(201);

    assertThat(tuesday(a)).as("on the node that booked, before it answered").doesNotContain(NINE).contains(TEN);
    Eventually.until("node B no longer offers 9:00", () -> !tuesday(b).contains(NINE));
    assertThat(tuesday(b)).contains(TEN);
  }

  @Test
  void a_cancellation_on_one_node_frees_the_slot_on_both() {
    JsonObject booked = visio.book(NINE).json();
    assertThat(tuesday(a)).doesNotContain(NINE);
    Eventually.until("node B no longer offers 9:00", () -> !tuesday(b).contains(NINE));

    var cancelled = b.api.send("POST", "/api/visio/appointments/" + booked.getString("id") + "/cancel", null, null,
        Map.of("X-Manage-Token", booked.getString("manageToken")));
    assertThat(cancelled.status()).isEqualTo(200);

    assertThat(tuesday(b)).as("on the node that cancelled").contains(NINE);
    Eventually.until("node A offers 9:00 again", () -> tuesday(a).contains(NINE));
  }

  @Test
  void a_change_of_time_frees_the_old_slot_and_takes_the_new_one_on_every_node() {
    JsonObject booked = visio.book(NINE).json();
    Eventually.until("node B no longer offers 9:00", () -> !tuesday(b).contains(NINE));
    String thursday = "2026-12-03T14:00:00+01:00";
    assertThat(starts(b, visio.serviceId, "2026-12-03", "2026-12-03", null)).contains(thursday);

    var moved = visio.withToken("POST", "/api/visio/appointments/" + booked.getString("id") + "/reschedule",
        booked.getString("manageToken"), new JsonObject().put("start", thursday));
    assertThat(moved.status()).as(moved.toString()).isEqualTo(200);

    Eventually.until("node B offers Tuesday 9:00 again", () -> tuesday(b).contains(NINE));
    Eventually.until("node B no longer offers Thursday 14:00",
        () -> !starts(b, visio.serviceId, "2026-12-03", "2026-12-03", null).contains(thursday));
  }

  @Test
  void leave_entered_on_one_node_removes_the_slots_on_both() {
    assertThat(tuesday(a)).isNotEmpty();
    assertThat(tuesday(b)).isNotEmpty();

    var leave = a.api.post("/api/visio/agents/" + visio.agentId + "/exceptions", visio.agent, new JsonObject()
        .put("start", "2026-12-01T00:00:00+01:00").put("end", "2026-12-02T00:00:00+01:00").put("reason", "Formation"));
    assertThat(leave.status()).as(leave.toString()).isEqualTo(201);

    assertThat(tuesday(a)).isEmpty();
    Eventually.until("node B offers nothing on Tuesday", () -> tuesday(b).isEmpty());
    assertThat(starts(b, visio.serviceId, "2026-12-02", "2026-12-02", null)).as("Wednesday is untouched").isNotEmpty();
  }

  @Test
  void a_deactivated_agent_is_offered_nowhere_and_its_open_socket_is_closed() {
    assertThat(tuesday(b)).isNotEmpty();
    try (WsClient agentOnB = WsClient.hello(b.port(), visio.agent, null)) {
      agentOnB.next(m -> "snapshot".equals(m.getString("type")));

      var deactivated = a.api.post("/api/users/" + visio.agentId + "/deactivate", visio.admin, null);
      assertThat(deactivated.status()).isEqualTo(200);

      assertThat(agentOnB.awaitClose()).isEqualTo(4401);
      Eventually.until("node B offers nothing", () -> tuesday(b).isEmpty());
    }
  }

  @Test
  void a_booking_at_a_point_takes_the_point_for_every_service_offered_there() {
    String cpam = visio.cpamService();
    assertThat(starts(b, cpam, "2026-12-01", "2026-12-01", visio.pointId)).contains(NINE);

    var atPoint = a.api.post("/api/visio/appointments", booking(visio.serviceId, NINE).put("pointId", visio.pointId));
    assertThat(atPoint.status()).as(atPoint.toString()).isEqualTo(201);

    Eventually.until("the point is no longer offered at 9:00 for the CPAM on node B",
        () -> !starts(b, cpam, "2026-12-01", "2026-12-01", visio.pointId).contains(NINE));
    assertThat(starts(b, cpam, "2026-12-01", "2026-12-01", null)).as("from home, the CPAM agent is still free").contains(NINE);
  }

  @Test
  void slots_kept_in_memory_follow_the_clock_without_any_write() {
    String today = "2026-11-30";
    assertThat(starts(a, visio.serviceId, today, today, null)).first().isEqualTo("2026-11-30T08:00:00+01:00");

    clock.advance(Duration.ofMinutes(61));

    assertThat(starts(a, visio.serviceId, today, today, null)).as("at 8:01, 8:00 has begun")
        .first().isEqualTo("2026-11-30T08:30:00+01:00");
  }

  // The whole answer kept (SlotAnswers): every request below asks for the same two months, so each one after
  // the first is served from the answer kept, unless something dropped it.

  static final String FROM = "2026-11-30";
  /** 60 days later: the agent's horizon (60 days) reaches this day's first slot at 8:00 on the first day. */
  static final String TO = "2027-01-29";
  static final String TODAY_EIGHT = "2026-11-30T08:00:00+01:00";
  static final String LAST_DAY_EIGHT = "2027-01-29T08:00:00+01:00";

  String monthsPath() {
    return "/api/visio/services/" + visio.serviceId + "/slots?from=" + FROM + "&to=" + TO;
  }

  /** The starts the node offers over the two months, asked twice (the second answer is the one kept). */
  List<String> months(TestNode node) {
    List<String> first = starts(node);
    List<String> again = starts(node);
    assertThat(again).as("the same question asked again at once").isEqualTo(first);
    return again;
  }

  List<String> starts(TestNode node) {
    return starts(node, visio.serviceId, FROM, TO, null);
  }

  @Test
  void a_booking_made_on_this_node_leaves_the_months_it_kept_before_it_answers() {
    assertThat(months(a)).contains(NINE);

    assertThat(visio.book(NINE).status()).isEqualTo(201);

    assertThat(starts(a)).doesNotContain(NINE).contains("2026-12-01T09:30:00+01:00");
  }

  @Test
  void a_booking_and_its_cancellation_on_another_node_reach_the_months_this_node_kept_through_their_events() {
    assertThat(months(b)).contains(NINE);

    JsonObject booked = visio.book(NINE).json();
    Eventually.until("node B no longer offers Tuesday 9:00", () -> !starts(b).contains(NINE));
    assertThat(months(b)).doesNotContain(NINE);

    var cancelled = visio.withToken("POST", "/api/visio/appointments/" + booked.getString("id") + "/cancel",
        booked.getString("manageToken"), null);
    assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
    Eventually.until("node B offers Tuesday 9:00 again", () -> starts(b).contains(NINE));
  }

  @Test
  void leave_entered_on_one_node_leaves_the_months_both_nodes_kept() {
    assertThat(months(a)).contains(NINE);
    assertThat(months(b)).contains(NINE);

    var leave = a.api.post("/api/visio/agents/" + visio.agentId + "/exceptions", visio.agent, new JsonObject()
        .put("start", "2026-12-01T00:00:00+01:00").put("end", "2026-12-02T00:00:00+01:00").put("reason", "Formation"));
    assertThat(leave.status()).as(leave.toString()).isEqualTo(201);

    assertThat(starts(a)).as("on the node that entered it").noneMatch(start -> start.startsWith("2026-12-01"))
        .anyMatch(start -> start.startsWith("2026-12-02"));
    Eventually.until("node B offers nothing on Tuesday", () -> starts(b).stream().noneMatch(s -> s.startsWith("2026-12-01")));
  }

  @Test
  void a_kept_answer_holds_to_the_instant_a_slot_leaves_or_enters_its_bookable_window_and_not_past_it() {
    // No notice: 8:00 today is bookable up to 8:00 itself; a 60-day horizon: 8:00 on the last day from 8:00 today.
    assertThat(months(a)).contains(TODAY_EIGHT).doesNotContain(LAST_DAY_EIGHT);

    clock.set(Instant.parse("2026-11-30T06:59:59.999999999Z"));
    assertThat(starts(a)).as("just before 8:00").contains(TODAY_EIGHT).doesNotContain(LAST_DAY_EIGHT);

    clock.set(Instant.parse("2026-11-30T07:00:00Z"));
    assertThat(starts(a)).as("at 8:00 sharp, both").contains(TODAY_EIGHT, LAST_DAY_EIGHT);

    clock.set(Instant.parse("2026-11-30T07:00:00.000000001Z"));
    assertThat(starts(a)).as("just after 8:00").doesNotContain(TODAY_EIGHT).contains(LAST_DAY_EIGHT)
        .first().isEqualTo("2026-11-30T08:30:00+01:00");

    clock.set(Instant.parse("2026-11-30T06:00:00Z"));
    assertThat(starts(a)).as("a clock set back gets the answer of its time").contains(TODAY_EIGHT)
        .doesNotContain(LAST_DAY_EIGHT);
  }

  @Test
  void a_client_that_accepts_gzip_gets_the_same_answer_compressed_over_http1_and_http2() throws Exception {
    byte[] plain = body(HttpClient.Version.HTTP_1_1, Map.of()).body();
    JsonArray expected = new JsonArray(new String(plain, StandardCharsets.UTF_8));
    assertThat(expected).isNotEmpty();

    for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_1_1, HttpClient.Version.HTTP_2)) {
      for (int i = 0; i < 2; i++) {
        HttpResponse<byte[]> zipped = body(version, Map.of("Accept-Encoding", "gzip, deflate, br"));
        assertThat(zipped.statusCode()).isEqualTo(200);
        assertThat(zipped.headers().firstValue("Content-Encoding")).as(version.toString()).hasValue("gzip");
        assertThat(zipped.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(new JsonArray(new String(gunzip(zipped.body()), StandardCharsets.UTF_8))).as(version.toString())
            .isEqualTo(expected);
      }
    }
    for (String refusal : List.of("gzip;q=0, identity", "gzip; Q=0, identity")) { // parameter names are case-insensitive
      HttpResponse<byte[]> refused = body(HttpClient.Version.HTTP_1_1, Map.of("Accept-Encoding", refusal));
      assertThat(refused.headers().firstValue("Content-Encoding")).as(refusal).isEmpty();
      assertThat(new JsonArray(new String(refused.body(), StandardCharsets.UTF_8))).isEqualTo(expected);
    }
  }

  HttpResponse<byte[]> body(HttpClient.Version version, Map<String, String> headers) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(a.api.base() + monthsPath())).version(version);
    headers.forEach(request::header);
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static byte[] gunzip(byte[] zipped) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped))) {
      return in.readAllBytes();
    }
  }
}
