package fr.cantou.realtime;

import fr.cantou.support.Api;
import fr.cantou.support.CareTerritory;
import fr.cantou.support.Eventually;
import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import fr.cantou.support.WsClient;
import fr.cantou.teleconsult.HealthDataAccessStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WebSocket shows exactly what HTTP shows. For each role, a socket follows a teleconsultation
 * asked by a nurse of a maison de santé (planned then cancelled; then queued, taken, completed)
 * and an appointment booked by a mediator (moved). After each step the role GETs the item: where
 * the GET answers 200, the step's event must come with the whole item (the same fields); where
 * it answers 403 after a 200, a summary without patient data; otherwise nothing. A doctor's
 * presence changes last: its event must come exactly where {@code GET /api/presence} answers 200.
 * Then a later event that role must see (its marker) arrives — for an admin, who sees no event,
 * the socket's closing when her account is deactivated — and what came before it is compared with
 * what was expected: nothing more, nothing less, in that order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventRightsTest {
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  TestNode node;
  VisioTerritory visio;
  CareTerritory care;
  String maisonNurse;
  String maisonColleague;
  String maisonColleagueId;
  String maisonDoctor;
  String poolDoctor;
  String poolDoctorId;
  String poolColleague;
  String poolColleagueId;
  String markerDoctorId;
  String markerDoctor;
  String presenceDoctorId;
  String presenceDoctor;
  WsClient presenceConsole;
  final AtomicInteger slots = new AtomicInteger();

  @BeforeAll
  void start() {
    node = TestNode.start();
    visio = new VisioTerritory(node);
    care = new CareTerritory(node, "rights");
    String maison = care.organisation("maison_sante", "Maison de santé de Riom", "Riom-ès-Montagnes");
    maisonNurse = care.token(care.user("ide@riom.test", "nurse", "Lise Bouygues", maison, null));
    maisonColleagueId = care.user("ide2@riom.test", "nurse", "Anne Chabrier", maison, null);
    maisonColleague = care.token(maisonColleagueId);
    maisonDoctor = care.token(care.user("dr@riom.test", "doctor", "Dr Vermenouze", maison,
        new JsonArray().add("dermatologie")));
    poolDoctorId = care.user("pool@ch.test", "doctor", "Dr Lafon", null, new JsonArray().add("geriatrie"));
    poolDoctor = care.token(poolDoctorId);
    poolColleagueId = care.user("pool2@ch.test", "doctor", "Dr Delmas", null, new JsonArray().add("geriatrie"));
    poolColleague = care.token(poolColleagueId);
    markerDoctorId = care.user("marker@ch.test", "doctor", "Dr Marqueur", null, new JsonArray().add("cardiologie"));
    markerDoctor = care.token(markerDoctorId);
    presenceDoctorId = care.user("presence@ch.test", "doctor", "Dr Présente", null, new JsonArray().add("pneumologie"));
    presenceDoctor = care.token(presenceDoctorId);
    // Her console stays open: the presence sweep never takes her offline behind the test's back.
    presenceConsole = WsClient.hello(node.port(), presenceDoctor, null);
  }

  @AfterAll
  void stop() {
    presenceConsole.close();
    node.close();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "a nurse of the requesting maison de santé sees the whole teleconsultation, never the appointment",
      "a nurse of another care home sees neither",
      "a doctor of the same maison de santé, not treating, sees neither",
      "the doctor who takes it sees it whole while it waits and once taken",
      "a doctor of the specialty's pool sees it while it waits, then only that it is gone",
      "a doctor of another specialty sees neither",
      "an agent of the administration sees the whole appointment, never the teleconsultation",
      "an agent of another administration sees neither",
      "the mediator who booked sees the whole appointment",
      "the citizen's manage token sees its appointment",
      "an admin sees neither"})
  void receives_exactly_what_a_get_shows(String role) {
    String start = slot();
    JsonObject booked = created(node.api.post("/api/visio/appointments", visio.mediator,
        VisioTerritory.booking(visio.serviceId, start)));
    String appointment = booked.getString("id");
    Credentials who = credentials(role, appointment, booked.getString("manageToken"));
    WhatGetShows follower = new WhatGetShows(path -> who.manageToken() ? visio.withToken("GET", path, who.token(), null)
        : node.api.get(path, who.token()));
    try (WsClient socket = WsClient.hello(node.port(), who.token(), null)) {
      JsonObject planned = CareTerritory.request("geriatrie", "normal")
          .put("plannedAt", java.time.OffsetDateTime.now().plusHours(2).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
      String later = created(node.api.post("/api/teleconsultations", maisonNurse, planned)).getString("id");
      follower.after("teleconsultation.queued", teleconsultation(later));
      node.api.post("/api/teleconsultations/" + later + "/cancel", maisonNurse, null);
      follower.after("teleconsultation.cancelled", teleconsultation(later));

      String now = created(node.api.post("/api/teleconsultations", maisonNurse,
          CareTerritory.request("geriatrie", "normal"))).getString("id");
      follower.after("teleconsultation.queued", teleconsultation(now));
      assertThat(node.api.post("/api/teleconsultations/" + now + "/claim", care.geriatrician, null).status()).isEqualTo(200);
      follower.after("teleconsultation.assigned", teleconsultation(now));
      node.api.post("/api/teleconsultations/" + now + "/complete", care.geriatrician,
          new JsonObject().put("report", "Pansement hydrocolloïde.").put("outcome", "advice_given"));
      follower.after("teleconsultation.completed", teleconsultation(now));

      assertThat(node.api.post("/api/visio/appointments/" + appointment + "/reschedule", visio.mediator,
          new JsonObject().put("start", slot())).status()).isEqualTo(200);
      follower.after("appointment.changed", "/api/visio/appointments/" + appointment);

      WhatGetShows.switchPresence(node.api, presenceDoctor, presenceDoctorId);
      follower.afterPresence(presenceDoctorId);

      assertThat(follower.variants())
          .as("planned queued, cancelled; queued, taken, completed; appointment moved; a doctor's presence")
          .isEqualTo(who.sees());
      follower.check(who.received().apply(socket), Set.of(later, now, appointment, presenceDoctorId));
    }
  }

  @Test
  void a_push_of_patient_data_is_audited_like_a_read_and_a_summary_is_not() {
    try (WsClient nurse = WsClient.hello(node.port(), maisonColleague, null);
         WsClient pool = WsClient.hello(node.port(), poolDoctor, null)) {
      String id = created(node.api.post("/api/teleconsultations", maisonNurse,
          CareTerritory.request("geriatrie", "normal"))).getString("id");
      assertThat(node.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null).status()).isEqualTo(200);
      assertThat(pool.nextEvent("teleconsultation.assigned").getJsonObject("data").containsKey("patient")).isFalse();
      assertThat(nurse.nextEvent("teleconsultation.assigned").getJsonObject("data").containsKey("patient")).isTrue();
      // A later push to the same doctor, once audited, shows that the summary before it was not.
      String later = created(node.api.post("/api/teleconsultations", maisonNurse,
          CareTerritory.request("geriatrie", "normal"))).getString("id");
      Eventually.until("the pushes are audited", () -> pushedTo(later).contains(poolDoctorId)
          && pushedTo(id).stream().filter(maisonColleagueId::equals).count() == 2);
      assertThat(pushedTo(id)).as("the queued item pushed whole to the pool, then only a summary")
          .containsOnlyOnce(poolDoctorId);
      node.api.post("/api/teleconsultations/" + id + "/complete", care.geriatrician,
          new JsonObject().put("report", "Rien à signaler.").put("outcome", "advice_given"));
      node.api.post("/api/teleconsultations/" + later + "/cancel", maisonNurse, null);
    }
  }

  @Test
  void one_event_reaching_several_tabs_of_one_doctor_at_one_address_is_one_access() {
    try (WsClient tab1 = WsClient.hello(node.port(), poolDoctor, null);
         WsClient tab2 = WsClient.hello(node.port(), poolDoctor, null);
         WsClient tab3 = WsClient.hello(node.port(), poolDoctor, null)) {
      List<WsClient> tabs = List.of(tab1, tab2, tab3);
      String first = createdAndReceivedWhole(tabs);
      String second = createdAndReceivedWhole(tabs);
      // The second item's pushes come after the first's: once they are written, so are the first's.
      Eventually.until("the second item's pushes are audited", () -> pushedTo(second).contains(poolDoctorId));
      assertThat(pushedTo(first)).as("three tabs, one read of the item").containsOnlyOnce(poolDoctorId);
      assertThat(pushedTo(second)).containsOnlyOnce(poolDoctorId);
      node.api.post("/api/teleconsultations/" + first + "/cancel", maisonNurse, null);
      node.api.post("/api/teleconsultations/" + second + "/cancel", maisonNurse, null);
    }
  }

  @Test
  void one_event_reaching_two_doctors_on_the_same_event_loop_is_one_access_each() {
    // Each doctor holds a socket on every loop of the node (sockets go to the loops in turn): on some loop the two
    // doctors' sockets are written to one after the other, for the same event.
    List<WsClient> tabs = new java.util.ArrayList<>();
    try {
      for (String doctor : List.of(poolDoctor, poolColleague)) {
        for (int i = 0; i < node.node().eventLoops(); i++) {
          tabs.add(WsClient.hello(node.port(), doctor, null));
        }
      }
      String first = createdAndReceivedWhole(tabs);
      String second = createdAndReceivedWhole(tabs);
      Eventually.until("the second item's pushes are audited",
          () -> pushedTo(second).containsAll(List.of(poolDoctorId, poolColleagueId)));
      assertThat(pushedTo(first)).as("one read of the item by each doctor").containsExactlyInAnyOrder(poolDoctorId, poolColleagueId);
      assertThat(pushedTo(second)).containsExactlyInAnyOrder(poolDoctorId, poolColleagueId);
      node.api.post("/api/teleconsultations/" + first + "/cancel", maisonNurse, null);
      node.api.post("/api/teleconsultations/" + second + "/cancel", maisonNurse, null);
    } finally {
      tabs.forEach(WsClient::close);
    }
  }

  /** A new request of the pool's specialty, once every tab has received it whole. */
  private String createdAndReceivedWhole(List<WsClient> tabs) {
    String id = created(node.api.post("/api/teleconsultations", maisonNurse,
        CareTerritory.request("geriatrie", "normal"))).getString("id");
    for (WsClient tab : tabs) {
      JsonObject event = tab.next(m -> "event".equals(m.getString("type"))
          && id.equals(m.getJsonObject("data").getString("id")));
      assertThat(event.getJsonObject("data").containsKey("patient")).isTrue();
    }
    return id;
  }

  private List<String> pushedTo(String teleconsultation) {
    return TestNode.await(new HealthDataAccessStore().accesses(node.node().platform().pool(), UUID.fromString(teleconsultation)))
        .stream().filter(a -> "push".equals(a.action())).map(a -> a.userId().toString()).toList();
  }

  static String teleconsultation(String id) {
    return "/api/teleconsultations/" + id;
  }

  /**
   * A role's way in (an access token, or an appointment's manage token), what it may see at each
   * step, and the events its socket received before something it must see last (an event, or
   * the server closing the socket).
   */
  record Credentials(String token, boolean manageToken, String sees,
                     java.util.function.Function<WsClient, List<JsonObject>> received) {
    Credentials(String token, boolean manageToken, String sees, java.util.function.Supplier<Predicate<JsonObject>> marker) {
      this(token, manageToken, sees, socket -> WhatGetShows.eventsBefore(socket, marker.get()));
    }
  }

  private static final String NOTHING = "none none none none none none none";
  private static final String THE_APPOINTMENT = "none none none none none whole none";

  private Credentials credentials(String role, String appointment, String manageToken) {
    if (role.startsWith("a nurse of the requesting")) {
      return careSide(maisonColleague, "whole whole whole whole whole none whole");
    } else if (role.startsWith("a nurse of another")) {
      return careSide(care.nurse, CARE_SIDE_ONLY);
    } else if (role.startsWith("a doctor of the same")) {
      return careSide(maisonDoctor, CARE_SIDE_ONLY);
    } else if (role.startsWith("the doctor who takes")) {
      return careSide(care.geriatrician, "none none whole whole whole none whole");
    } else if (role.startsWith("a doctor of the specialty")) {
      return careSide(poolDoctor, "none none whole summary none none whole");
    } else if (role.startsWith("a doctor of another")) {
      return careSide(care.cardiologist, CARE_SIDE_ONLY);
    } else if (role.startsWith("an agent of the administration")) {
      return new Credentials(visio.agent, false, THE_APPOINTMENT, () -> calendarChanged(visio.agentId, visio.serviceId));
    } else if (role.startsWith("an agent of another")) {
      return new Credentials(visio.otherAgent, false, NOTHING, () -> calendarChanged(visio.otherAgentId, null));
    } else if (role.startsWith("the mediator")) {
      return new Credentials(visio.mediator, false, THE_APPOINTMENT, () -> {
        String other = created(node.api.post("/api/visio/appointments", visio.mediator,
            VisioTerritory.booking(visio.serviceId, slot()))).getString("id");
        return m -> "appointment.booked".equals(m.getString("kind")) && other.equals(m.getJsonObject("data").getString("id"));
      });
    } else if (role.startsWith("the citizen")) {
      return new Credentials(manageToken, true, THE_APPOINTMENT, () -> {
        assertThat(visio.withToken("POST", "/api/visio/appointments/" + appointment + "/cancel", manageToken, null)
            .status()).isEqualTo(200);
        return m -> "appointment.cancelled".equals(m.getString("kind"))
            && appointment.equals(m.getJsonObject("data").getString("id"));
      });
    } else if (role.startsWith("an admin")) {
      // Admins receive no event at all: the last thing to reach the socket is its closing, when
      // another admin deactivates this one (an event of the outbox too, so it comes after the rest).
      String adminId = care.user("admin-" + UUID.randomUUID() + "@cd.test", "admin", "Admin du jour", null, null);
      return new Credentials(care.token(adminId), false, NOTHING, socket -> WhatGetShows.eventsUntilClosed(socket,
          () -> assertThat(node.api.post("/api/users/" + adminId + "/deactivate", node.adminToken(), null).status())
              .isEqualTo(200)));
    }
    throw new IllegalArgumentException(role);
  }

  /** The care side (nurses, doctors) sees every doctor's presence, and nothing of the flow here. */
  private static final String CARE_SIDE_ONLY = "none none none none none none whole";

  /** Presence is for every nurse and doctor: a doctor changing hers is the marker. */
  private Credentials careSide(String token, String sees) {
    return new Credentials(token, false, sees, () -> WhatGetShows.presenceChanged(node.api, markerDoctor, markerDoctorId));
  }

  /** An agent's calendar changes: the agents of that administration are told. */
  private Predicate<JsonObject> calendarChanged(String agentId, String serviceId) {
    String service = serviceId != null ? serviceId : visio.cpamService();
    if (serviceId != null) {
      JsonArray week = new JsonArray();
      for (int day = 1; day <= 5; day++) {
        week.add(new JsonObject().put("weekday", day).put("start", "08:00").put("end", "18:00"));
      }
      var changed = node.api.send("PUT", "/api/visio/agents/" + agentId + "/availability", visio.admin, new JsonObject()
          .put("serviceIds", new JsonArray().add(service)).put("weekly", week).put("bufferMinutes", 0)
          .put("minNoticeMinutes", 0).put("horizonDays", 60).encode(), Map.of("Content-Type", "application/json"));
      assertThat(changed.status()).isEqualTo(200);
    }
    return m -> "visio.calendar.changed".equals(m.getString("kind"))
        && agentId.equals(m.getJsonObject("data").getString("agentId"));
  }

  /**
   * A free half hour of the agent's, on working days at least a week ahead, never twice. The node
   * runs on the real clock: the first Monday a week ahead is Easter Monday some weeks of the year
   * (no agent works a public holiday), so the days skip holidays.
   */
  private String slot() {
    int n = slots.getAndIncrement();
    LocalDate day = workingDay(LocalDate.now(PARIS).plusDays(7).with(TemporalAdjusters.nextOrSame(DayOfWeek.MONDAY)));
    for (int i = 0; i < n / 20; i++) {
      day = workingDay(day.plusDays(1));
    }
    return day.atTime(LocalTime.of(8, 0).plusMinutes(30L * (n % 20))).atZone(PARIS)
        .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }

  /** This day, or the first after it that is neither a weekend nor a public holiday. */
  private static LocalDate workingDay(LocalDate from) {
    LocalDate day = from;
    while (day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY
        || fr.cantou.visio.FrenchHolidays.isHoliday(day)) {
      day = day.plusDays(1);
    }
    return day;
  }

  private static JsonObject created(Api.Response response) {
    if (response.status() != 201 && response.status() != 200) {
      throw new AssertionError(response.toString());
    }
    return response.json();
  }
}
