package fr.cantou;

import fr.cantou.support.Api;
import fr.cantou.support.CareTerritory;
import fr.cantou.support.MutableClock;
import fr.cantou.support.QrPictures;
import fr.cantou.support.SignedTokens;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may call what: every operation of docs/openapi.yaml, called by every kind of caller, with
 * the status each must get. The table below is the rule; each cell is a dynamic test. A case
 * that changes something works on an item of its own (a fresh request, appointment, service…),
 * so cells never depend on each other; one node and one territory serve them all.
 *
 * <p>Callers: a nurse of the care home that asked (nurse), a nurse of another care home
 * (nurse2), a geriatrician — the request's specialty — (geri), a cardiologist (cardio), a
 * general practitioner (gp), an agent of the CAF — the appointment's administration — (agent),
 * an agent of the CPAM (agent2), the mediator who booked the appointment (medi), an admin, the
 * citizen with her appointment's manage token (citizen), nobody (none), an expired access token
 * (expired), a deactivated user's token (deact), and another appointment's manage token (other).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RightsMatrixTest {
  /*
   * The requests are a geriatrics teleconsultation of the nurse's care home, queued (assigned to
   * the geriatrician where the route needs it: release, join, complete); the appointment is the
   * CAF's, booked by the mediator (for join and presence: one whose room is open now).
   */
  private static final String TABLE = """
      operation                                          nurse nurse2 geri cardio gp agent agent2 medi admin citizen none expired deact other
      GET    /config                                       200  200   200  200  200  200   200  200  200    200   200    401   401   200
      POST   /auth/login                                   200  200   200  200  200  200   200  200  200    200   200    401   401   200
      POST   /auth/refresh                                 401  401   401  401  401  401   401  401  401    401   401    401   401   401
      POST   /auth/logout                                  204  204   204  204  204  204   204  204  204    204   204    401   401   204
      POST   /auth/password                                200  200   200  200  200  200   200  200  200    401   401    401   401   401
      POST   /auth/password-reset                          202  202   202  202  202  202   202  202  202    202   202    401   401   202
      POST   /auth/password-reset/confirm                  410  410   410  410  410  410   410  410  410    410   410    401   401   410
      POST   /auth/password-reset/check                    410  410   410  410  410  410   410  410  410    410   410    401   401   410
      GET    /me                                           200  200   200  200  200  200   200  200  200    401   401    401   401   401
      GET    /organisations                                403  403   403  403  403  403   403  403  200    401   401    401   401   401
      POST   /organisations                                403  403   403  403  403  403   403  403  201    401   401    401   401   401
      GET    /users                                        403  403   403  403  403  403   403  403  200    401   401    401   401   401
      POST   /users                                        403  403   403  403  403  403   403  403  201    401   401    401   401   401
      POST   /users/{id}/deactivate                        403  403   403  403  403  403   403  403  200    401   401    401   401   401
      POST   /users/{id}/password-link                     403  403   403  403  403  403   403  403  202    401   401    401   401   401
      GET    /specialties                                  200  200   200  200  200  200   200  200  200    200   200    401   401   200
      POST   /specialties                                  403  403   403  403  403  403   403  403  201    401   401    401   401   401
      POST   /teleconsultations                            201  201   403  403  403  403   403  403  403    401   401    401   401   401
      GET    /teleconsultations                            200  200   200  200  200  403   403  403  403    401   401    401   401   401
      POST   /teleconsultations/next                       403  403   200  204  204  403   403  403  403    401   401    401   401   401
      GET    /teleconsultations/{id}                       200  403   200  403  403  403   403  403  403    401   401    401   401   401
      GET    /teleconsultations/{id}/timeline              200  403   200  403  403  403   403  403  403    401   401    401   401   401
      POST   /teleconsultations/{id}/claim                 403  403   200  403  403  403   403  403  403    401   401    401   401   401
      POST   /teleconsultations/{id}/release               403  403   200  403  403  403   403  403  403    401   401    401   401   401
      GET    /teleconsultations/{id}/join                  200  403   200  403  403  403   403  403  403    401   401    401   401   401
      POST   /teleconsultations/{id}/complete              403  403   200  403  403  403   403  403  403    401   401    401   401   401
      POST   /teleconsultations/{id}/guests                201  403   201  403  403  403   403  403  403    401   401    401   401   401
      GET    /teleconsultations/{id}/guests                200  403   200  403  403  403   403  403  403    401   401    401   401   401
      DELETE /teleconsultations/{id}/guests/{guestId}      200  403   200  403  403  403   403  403  403    401   401    401   401   401
      GET    /teleconsultations/{id}/invitation            401  401   401  401  401  401   401  401  401    200   401    401   401   403
      POST   /teleconsultations/{id}/invitation/join       401  401   401  401  401  401   401  401  401    409   401    401   401   403
      POST   /teleconsultations/{id}/vital-signs           200  403   403  403  403  403   403  403  403    401   401    401   401   401
      POST   /teleconsultations/{id}/messages              200  403   200  403  403  403   403  403  403    401   401    401   401   401
      POST   /teleconsultations/{id}/files                 201  403   403  403  403  403   403  403  403    401   401    401   401   401
      GET    /teleconsultations/{id}/files/{fileId}        200  403   200  403  403  403   403  403  403    401   401    401   401   401
      DELETE /teleconsultations/{id}/files/{fileId}        204  403   403  403  403  403   403  403  403    401   401    401   401   401
      GET    /teleconsultations/{id}/report.pdf            200  403   200  403  403  403   403  403  403    401   401    401   401   401
      POST   /teleconsultations/{id}/video                 403  403   200  403  403  403   403  403  403    401   401    401   401   401
      POST   /teleconsultations/{id}/cancel                200  403   403  403  403  403   403  403  403    401   401    401   401   401
      GET    /presence                                     200  200   200  200  200  403   403  403  403    401   401    401   401   401
      POST   /presence                                     403  403   200  200  200  403   403  403  403    401   401    401   401   401
      GET    /visio/services                               200  200   200  200  200  200   200  200  200    200   200    401   401   200
      POST   /visio/services                               403  403   403  403  403  403   403  403  201    401   401    401   401   401
      GET    /visio/services/{id}                          200  200   200  200  200  200   200  200  200    200   200    401   401   200
      PUT    /visio/services/{id}                          403  403   403  403  403  403   403  403  200    401   401    401   401   401
      POST   /visio/services/{id}/withdraw                 403  403   403  403  403  403   403  403  204    401   401    401   401   401
      GET    /visio/services/{id}/slots                    200  200   200  200  200  200   200  200  200    200   200    401   401   200
      GET    /visio/services/{id}/waiting-list             403  403   403  403  403  200   403  403  200    401   401    401   401   401
      POST   /visio/waiting-list                           201  201   201  201  201  201   201  201  201    201   201    401   401   201
      GET    /visio/waiting-list/{id}                      403  403   403  403  403  403   403  403  403    200   401    401   401   403
      POST   /visio/waiting-list/{id}/take                 403  403   403  403  403  403   403  403  403    409   401    401   401   403
      POST   /visio/waiting-list/{id}/decline              403  403   403  403  403  403   403  403  403    409   401    401   401   403
      POST   /visio/waiting-list/{id}/leave                403  403   403  403  403  403   403  403  403    200   401    401   401   403
      GET    /visio/waiting-list/{id}/personal-data        403  403   403  403  403  403   403  403  403    200   401    401   401   403
      GET    /visio/points                                 200  200   200  200  200  200   200  200  200    200   200    401   401   200
      POST   /visio/points                                 403  403   403  403  403  403   403  403  201    401   401    401   401   401
      PUT    /visio/points/{id}                            403  403   403  403  403  403   403  403  200    401   401    401   401   401
      POST   /visio/points/{id}/withdraw                   403  403   403  403  403  403   403  403  204    401   401    401   401   401
      POST   /visio/points/{id}/kiosks                     403  403   403  403  403  403   403  201  201    401   401    401   401   401
      GET    /visio/points/{id}/kiosks                     403  403   403  403  403  403   403  200  200    401   401    401   401   401
      DELETE /visio/points/{id}/kiosks/{kioskId}           403  403   403  403  403  403   403  200  200    401   401    401   401   401
      POST   /visio/kiosk/pair                             201  201   201  201  201  201   201  201  201    201   201    401   401   201
      GET    /visio/kiosk                                  401  401   401  401  401  401   401  401  401    200   401    401   401   200
      POST   /visio/kiosk/check-in                         401  401   401  401  401  401   401  401  401    200   401    401   401   403
      POST   /visio/kiosk/scan                             401  401   401  401  401  401   401  401  401    200   401    401   401   404
      POST   /visio/kiosk/appointments                     401  401   401  401  401  401   401  401  401    201   401    401   401   409
      GET    /visio/kiosk/appointments/{id}                401  401   401  401  401  401   401  401  401    200   401    401   401   403
      GET    /visio/kiosk/appointments/{id}/join           401  401   401  401  401  401   401  401  401    200   401    401   401   403
      POST   /visio/kiosk/appointments/{id}/presence       401  401   401  401  401  401   401  401  401    200   401    401   401   403
      POST   /visio/kiosk/appointments/{id}/leave          401  401   401  401  401  401   401  401  401    200   401    401   401   403
      POST   /visio/appointments                           201  201   201  201  201  201   201  201  201    201   201    401   401   201
      GET    /visio/appointments                           403  403   403  403  403  200   200  200  403    401   401    401   401   401
      GET    /visio/bookers/{id}/contactless-appointments  403  403   403  403  403  403   403  403  200    401   401    401   401   401
      GET    /visio/appointments/{id}                      403  403   403  403  403  200   403  200  403    200   401    401   401   403
      POST   /visio/appointments/{id}/cancel               403  403   403  403  403  200   403  200  403    200   401    401   401   403
      POST   /visio/appointments/{id}/manage-link          403  403   403  403  403  202   403  202  403    202   401    401   401   403
      POST   /visio/lost-link                              202  202   202  202  202  202   202  202  202    202   202    401   401   202
      GET    /visio/appointments/{id}/calendar.ics         403  403   403  403  403  200   403  200  403    200   401    401   401   403
      GET    /visio/appointments/{id}/qr-code.svg          403  403   403  403  403  200   403  200  403    200   401    401   401   403
      GET    /visio/appointments/{id}/convocation          403  403   403  403  403  403   403  200  403    401   401    401   401   401
      POST   /visio/appointments/{id}/reschedule           403  403   403  403  403  200   403  200  403    200   401    401   401   403
      GET    /visio/appointments/{id}/join                 403  403   403  403  403  200   403  200  403    200   401    401   401   403
      POST   /visio/appointments/{id}/presence             403  403   403  403  403  200   403  200  403    200   401    401   401   403
      POST   /visio/appointments/{id}/complete             403  403   403  403  403  200   403  403  403    403   401    401   401   403
      POST   /visio/appointments/{id}/no-show              403  403   403  403  403  409   403  403  403    403   401    401   401   403
      POST   /visio/appointments/{id}/undo-outcome         403  403   403  403  403  200   403  403  403    403   401    401   401   403
      GET    /visio/appointments/{id}/personal-data        403  403   403  403  403  403   403  403  403    200   401    401   401   403
      POST   /visio/appointments/{id}/erasure              403  403   403  403  403  403   403  403  403    200   401    401   401   403
      GET    /visio/agents/{agentId}/availability          403  403   403  403  403  200   403  403  200    401   401    401   401   401
      PUT    /visio/agents/{agentId}/availability          403  403   403  403  403  200   403  403  200    401   401    401   401   401
      POST   /visio/agents/{agentId}/exceptions            403  403   403  403  403  201   403  403  201    401   401    401   401   401
      POST   /visio/organisations/{id}/closures            403  403   403  403  403  201   403  403  201    401   401    401   401   401
      DELETE /visio/agents/{agentId}/exceptions/{exceptionId} 403 403 403 403 403 200   403  403  200    401   401    401   401   401
      POST   /admin/personal-data/export               403  403   403  403  403  403   403  403  200    401   401    401   401   401
      POST   /admin/personal-data/erasure              403  403   403  403  403  403   403  403  200    401   401    401   401   401
      GET    /admin/audit                                  403  403   403  403  403  403   403  403  200    401   401    401   401   401
      GET    /admin/audit/export.csv                       403  403   403  403  403  403   403  403  200    401   401    401   401   401
      GET    /stats/overview                               403  403   403  403  403  403   403  403  200    401   401    401   401   401
      GET    /stats/export.csv                             403  403   403  403  403  403   403  403  200    401   401    401   401   401
      """;
  // auth/password: each signed-in caller changes her own password (her current one in the body), through a twin of hers.
  // no-show: the agent passes the rights check and is told it is too early (the appointment has not started).
  // waiting-list take and decline: the citizen, with her place's secret, passes the rights check and is told no slot is
  // held for her (the places are on a service no agent serves: no offer is ever made there).
  // undo-outcome: on an appointment its agent has just marked completed.
  // points' screens: the point is run by the mediator's France Services house (so he pairs its screens; an agent does
  // not). On the screen's routes the citizen column is a screen of that point (X-Kiosk-Token), the other column a
  // screen of another point; a bearer alone is no screen (401). join: an appointment checked in there, its room open.
  // A screen books at its own point only: the other screen's booking of the same time is at its own point, closed then (409).
  // invitation and invitation/join: the citizen column is the guest with her invitation's secret (X-Guest-Token, from
  // her browser: X-Guest-Device; GuestTest covers another browser's 409), the other column a guest of another request; signed-in callers without a secret get 401 (a bearer opens no guest's
  // page). join: the guest passes the check and is told the call has not started (nobody is in the room yet).

  /**
   * The booker from another administration: the CPAM's agent who booked a CAF appointment for someone (any agent books any
   * administration's service; the appointment is hers to see). She enters its room under her own name, never as the
   * citizen (`CompanionInTheRoomTest`), and holds none of the CAF agent's outcomes. Her appointment is at 8:30 on
   * Monday 30 November, its room open for these cells (8:25).
   */
  private static final String BOOKER_FROM_ANOTHER_ADMINISTRATION = """
      GET    /visio/appointments/{id}                      200
      GET    /visio/appointments/{id}/join                 200
      POST   /visio/appointments/{id}/presence             200
      POST   /visio/appointments/{id}/complete             403
      POST   /visio/appointments/{id}/no-show              403
      POST   /visio/appointments/{id}/undo-outcome         403
      """;

  private static final String KEY = "rights-matrix-signing-key-long-enough-0123456789";
  /** Monday 30 November 2026, 7:55 in Paris: the 8:00 appointment's room is open. */
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:55:00Z"));
  private final AtomicInteger counter = new AtomicInteger();
  private TestNode node;
  private VisioTerritory visio;
  private final Map<String, String> tokens = new HashMap<>();
  private String careHomeId;
  private String geriatricianId;
  private Booking shared;
  private Booking openRoom;
  private Booking another;
  private Booking bookedByAgent2;
  private String extraPointId;
  private String kioskPointId;
  private String kioskService;
  private String kioskNow;
  private String kioskLater;
  private String kioskLaterReference;
  private String kioskToken;
  private String otherKioskToken;

  record Booking(String id, String manageToken) {}

  /** What one case sends: the path (under /api), a body, the appointment whose manage token the citizen shows, and what to undo after. */
  record Call(String path, JsonObject body, Booking appointment, Runnable cleanup, byte[] file, String guestSecret,
              String otherGuestSecret) {
    Call(String path, JsonObject body, Booking appointment, Runnable cleanup, byte[] file) {
      this(path, body, appointment, cleanup, file, null, null);
    }

    Call(String path, JsonObject body, Booking appointment, Runnable cleanup) {
      this(path, body, appointment, cleanup, null);
    }

    Call(String path, JsonObject body) {
      this(path, body, null, () -> {});
    }
  }

  /** A photo as the nurse's tablet sends it (the body of POST …/files). */
  private static final byte[] PHOTO = fr.cantou.teleconsult.CareFiles.encode(fr.cantou.teleconsult.CareFiles.picture(8, 8), "png");

  @BeforeAll
  void start() throws Exception {
    node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_AUTH_JWT_KEY", KEY), clock);
    visio = new VisioTerritory(node);
    String[] care = {"nurse@murat.test", "nurse@massiac.test", "geriatre@ch.test", "cardio@ch.test", "mg@ch.test"};
    String[] names = {"nurse", "nurse2", "geri", "cardio", "gp"};
    for (int i = 0; i < care.length; i++) {
      tokens.put(names[i], node.api.login(care[i], CareTerritory.PASSWORD));
    }
    tokens.put("agent", visio.agent);
    tokens.put("agent2", visio.otherAgent);
    tokens.put("medi", visio.mediator);
    tokens.put("admin", visio.admin);
    careHomeId = node.api.get("/api/me", tokens.get("nurse")).json().getString("organisationId");
    geriatricianId = node.api.get("/api/me", tokens.get("geri")).json().getString("id");
    String adminId = node.api.get("/api/me", visio.admin).json().getString("id");
    tokens.put("expired", SignedTokens.admin(KEY, Instant.now().minusSeconds(120), adminId));
    String leaverId = user("nurse", careHomeId);
    tokens.put("deact", node.api.login(emailOf(leaverId), CareTerritory.PASSWORD));
    assertThat(node.api.post("/api/users/" + leaverId + "/deactivate", visio.admin, null).status()).isEqualTo(200);

    openRoom = book(at(LocalDate.parse("2026-11-30"), 0));
    JsonObject hers = node.api.post("/api/visio/appointments", tokens.get("agent2"),
        VisioTerritory.booking(visio.serviceId, at(LocalDate.parse("2026-11-30"), 1))).json();
    bookedByAgent2 = new Booking(hers.getString("id"), hers.getString("manageToken"));
    shared = book(nextSlot());
    another = book(nextSlot());
    extraPointId = point();

    String house = node.api.get("/api/me", visio.mediator).json().getString("organisationId");
    JsonArray days = new JsonArray();
    for (int day = 1; day <= 5; day++) {
      days.add(new JsonObject().put("weekday", day).put("start", "08:00").put("end", "18:00"));
    }
    kioskPointId = created("/visio/points", pointBody().put("organisationId", house).put("hours", days));
    String cpam = visio.cpamService();
    kioskService = cpam;
    kioskNow = node.api.post("/api/visio/appointments", visio.mediator, VisioTerritory.booking(cpam,
        at(LocalDate.parse("2026-11-30"), 0)).put("pointId", kioskPointId)).json().getString("id");
    JsonObject later = node.api.post("/api/visio/appointments", visio.mediator, VisioTerritory.booking(cpam,
        at(LocalDate.parse("2026-11-30"), 1)).put("pointId", kioskPointId)).json();
    kioskLater = later.getString("id");
    kioskLaterReference = later.getString("reference");
    kioskToken = pairedScreen(kioskPointId);
    otherKioskToken = pairedScreen(extraPointId);
    Api.Response in = node.api.send("POST", "/api/visio/kiosk/check-in", null, new JsonObject().put("appointmentId", kioskNow)
        .encode(), Map.of("Content-Type", "application/json", "X-Kiosk-Token", kioskToken));
    assertThat(in.status()).as(in.toString()).isEqualTo(200);
  }

  /** A new screen of the point, its pairing code not typed yet. */
  private JsonObject newScreen(String pointId) {
    Api.Response made = node.api.post("/api/visio/points/" + pointId + "/kiosks", visio.admin, new JsonObject().put("label", "Borne"));
    assertThat(made.status()).as(made.toString()).isEqualTo(201);
    return made.json();
  }

  private String pairedScreen(String pointId) {
    Api.Response paired = node.api.post("/api/visio/kiosk/pair", new JsonObject().put("code", newScreen(pointId).getString("code")));
    assertThat(paired.status()).as(paired.toString()).isEqualTo(201);
    return paired.json().getString("token");
  }

  /** A call of a point's screen: the citizen column is this point's screen, the other column another point's. */
  private Call screen(String path, JsonObject body) {
    return new Call(path, body, null, () -> {}, null, kioskToken, otherKioskToken);
  }

  @AfterAll
  void stop() {
    node.close();
  }

  @TestFactory
  Stream<DynamicTest> the_booker_from_another_administration_gets_the_status_of_her_row() {
    return BOOKER_FROM_ANOTHER_ADMINISTRATION.lines().filter(l -> !l.isBlank()).map(line -> {
      String[] cells = line.trim().split("\\s+");
      String operation = cells[0] + " " + cells[1];
      int status = Integer.parseInt(cells[2]);
      return DynamicTest.dynamicTest(operation + " by the booker from another administration → " + status, () -> {
        String path = "/api" + cells[1].replace("{id}", bookedByAgent2.id());
        String body = operation.endsWith("/presence") ? new JsonObject().put("state", "waiting").encode() : null;
        clock.set(Instant.parse("2026-11-30T07:25:00Z"));
        try {
          Api.Response answer = node.api.send(cells[0], path, tokens.get("agent2"), body,
              body == null ? Map.of() : Map.of("Content-Type", "application/json"));
          assertThat(answer.status()).as(operation + ": " + answer).isEqualTo(status);
        } finally {
          clock.set(Instant.parse("2026-11-30T06:55:00Z"));
        }
      });
    });
  }

  /**
   * What the tables expect is what docs/openapi.yaml says: each status is listed under its operation, or is the 401 its
   * description gives every operation (a bearer token invalid, expired or a deactivated account's; no valid one to an
   * operation that needs one). The citizen's routes (security: [], her manage token) answer their 401 themselves.
   */
  @org.junit.jupiter.api.Test
  @SuppressWarnings("unchecked")
  void every_status_of_the_tables_is_one_the_contract_lists_for_its_operation() throws Exception {
    Map<String, Object> contract = new com.fasterxml.jackson.databind.ObjectMapper(
        new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readValue(Path.of("docs/openapi.yaml").toFile(), Map.class);
    Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) contract.get("paths");
    List<String> header = List.of(TABLE.lines().findFirst().orElseThrow().trim().split("\\s+"));
    List<String> callers = header.subList(1, header.size());
    List<String> unlisted = new ArrayList<>();
    java.util.function.BiConsumer<String[], List<String>> check = (cells, who) -> {
      Map<String, Object> operation = (Map<String, Object>) paths.get(cells[1]).get(cells[0].toLowerCase(java.util.Locale.ROOT));
      Map<String, Object> responses = (Map<String, Object>) operation.get("responses");
      boolean needsToken = !List.of().equals(operation.get("security"));
      for (int c = 0; c < who.size(); c++) {
        String status = cells[2 + c];
        boolean anyOperation = "401".equals(status) && (needsToken || List.of("expired", "deact").contains(who.get(c)));
        if (!responses.containsKey(status) && !anyOperation) {
          unlisted.add(cells[0] + " " + cells[1] + " by " + who.get(c) + " → " + status);
        }
      }
    };
    TABLE.lines().skip(1).filter(l -> !l.isBlank()).forEach(line -> check.accept(line.trim().split("\\s+"), callers));
    BOOKER_FROM_ANOTHER_ADMINISTRATION.lines().filter(l -> !l.isBlank())
        .forEach(line -> check.accept(line.trim().split("\\s+"), List.of("agent2")));
    assertThat(unlisted).as("statuses the operations answer that docs/openapi.yaml does not list").isEmpty();
  }

  @TestFactory
  Stream<DynamicTest> every_operation_by_every_caller_gets_the_status_of_the_table() throws Exception {
    List<String> header = List.of(TABLE.lines().findFirst().orElseThrow().trim().split("\\s+"));
    List<String> callers = header.subList(1, header.size());
    Map<String, List<Integer>> expected = new LinkedHashMap<>();
    TABLE.lines().skip(1).filter(l -> !l.isBlank()).forEach(line -> {
      String[] cells = line.trim().split("\\s+");
      List<Integer> statuses = Stream.of(cells).skip(2).map(Integer::valueOf).toList();
      assertThat(statuses).as(line).hasSameSizeAs(callers);
      expected.put(cells[0] + " " + cells[1], statuses);
    });
    Map<String, Supplier<Call>> calls = calls();

    List<DynamicTest> tests = new ArrayList<>();
    tests.add(DynamicTest.dynamicTest("the table has every operation of docs/openapi.yaml, and a request for each", () -> {
      assertThat(expected.keySet()).containsExactlyInAnyOrderElementsOf(operationsOfTheContract());
      assertThat(calls.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    }));
    expected.forEach((operation, statuses) -> {
      for (int c = 0; c < callers.size(); c++) {
        String caller = callers.get(c);
        int status = statuses.get(c);
        tests.add(DynamicTest.dynamicTest(operation + " by " + caller + " → " + status, () -> {
          Call call = calls.get(operation).get();
          try {
            Api.Response answer = send(operation.substring(0, operation.indexOf(' ')), call, caller);
            assertThat(answer.status()).as(operation + " by " + caller + ": " + answer).isEqualTo(status);
          } finally {
            call.cleanup().run();
          }
        }));
      }
    });
    return tests.stream();
  }

  /** The request of each operation, on an item of its own where the call would change it. */
  private Map<String, Supplier<Call>> calls() {
    Map<String, Supplier<Call>> calls = new HashMap<>();
    calls.put("GET /config", () -> new Call("/config", null));
    calls.put("POST /auth/login", () -> new Call("/auth/login",
        new JsonObject().put("email", "nurse@murat.test").put("password", CareTerritory.PASSWORD)));
    calls.put("POST /auth/refresh", () -> new Call("/auth/refresh", new JsonObject().put("refreshToken", "not-a-refresh-token-0123456789")));
    calls.put("POST /auth/logout", () -> new Call("/auth/logout", new JsonObject().put("refreshToken", "not-a-refresh-token-0123456789")));
    // The body is the caller's own (see send): her current password, and one she then changes back from.
    calls.put("POST /auth/password", () -> new Call("/auth/password", passwordChange(CareTerritory.PASSWORD)));
    // An address of its own each time: the answer is the same whether it is an account's or not.
    calls.put("POST /auth/password-reset", () -> new Call("/auth/password-reset",
        new JsonObject().put("email", "oubli" + counter.incrementAndGet() + "@rights.test")));
    calls.put("POST /auth/password-reset/confirm", () -> new Call("/auth/password-reset/confirm",
        new JsonObject().put("token", "not-a-password-link-0123456789").put("newPassword", "un-mot-de-passe-2026")));
    calls.put("POST /auth/password-reset/check", () -> new Call("/auth/password-reset/check",
        new JsonObject().put("token", "not-a-password-link-0123456789")));
    calls.put("GET /me", () -> new Call("/me", null));
    calls.put("GET /organisations", () -> new Call("/organisations", null));
    calls.put("POST /organisations", () -> new Call("/organisations", new JsonObject().put("kind", "ehpad")
        .put("name", "EHPAD n° " + counter.incrementAndGet()).put("commune", "Allanche")));
    calls.put("GET /users", () -> new Call("/users", null));
    calls.put("POST /users", () -> new Call("/users", new JsonObject().put("email", "new" + counter.incrementAndGet() + "@rights.test")
        .put("password", CareTerritory.PASSWORD).put("role", "nurse").put("displayName", "Anne Nouvelle").put("organisationId", careHomeId)));
    calls.put("POST /users/{id}/deactivate", () -> new Call("/users/" + user("nurse", careHomeId) + "/deactivate", null));
    calls.put("POST /users/{id}/password-link", () -> new Call("/users/" + user("nurse", careHomeId) + "/password-link", null));
    calls.put("GET /specialties", () -> new Call("/specialties", null));
    calls.put("POST /specialties", () -> new Call("/specialties", new JsonObject()
        .put("code", "specialite_" + counter.incrementAndGet()).put("label", "Spécialité")));

    // Dermatology: no doctor of the table takes it by asking for her next request.
    calls.put("POST /teleconsultations", () -> new Call("/teleconsultations", CareTerritory.request("dermatologie", "normal")));
    calls.put("GET /teleconsultations", () -> new Call("/teleconsultations", null));
    calls.put("POST /teleconsultations/next", () -> teleconsultation(false, "/next"));
    calls.put("GET /teleconsultations/{id}", () -> teleconsultation(false, "/%s"));
    calls.put("GET /teleconsultations/{id}/timeline", () -> teleconsultation(false, "/%s/timeline"));
    calls.put("POST /teleconsultations/{id}/claim", () -> teleconsultation(false, "/%s/claim"));
    calls.put("POST /teleconsultations/{id}/release", () -> teleconsultation(true, "/%s/release"));
    calls.put("GET /teleconsultations/{id}/join", () -> teleconsultation(true, "/%s/join"));
    calls.put("POST /teleconsultations/{id}/complete", () -> {
      Call call = teleconsultation(true, "/%s/complete");
      return new Call(call.path(), new JsonObject().put("report", "Vu.").put("outcome", "advice_given"), null, call.cleanup());
    });
    calls.put("POST /teleconsultations/{id}/guests", () -> {
      Call call = teleconsultation(true, "/%s/guests");
      return new Call(call.path(), new JsonObject().put("name", "Ana Lopes").put("role", "interpreter")
          .put("email", "ana" + counter.incrementAndGet() + "@example.fr").put("consent", new JsonObject().put("given", true)),
          null, call.cleanup());
    });
    calls.put("GET /teleconsultations/{id}/guests", () -> teleconsultation(true, "/%s/guests"));
    calls.put("DELETE /teleconsultations/{id}/guests/{guestId}", () -> {
      Call call = teleconsultation(true, "/%s/guests");
      String id = call.path().split("/")[2];
      return new Call(call.path() + "/" + guest(id, "secret-" + counter.incrementAndGet()), null, null, call.cleanup());
    });
    calls.put("GET /teleconsultations/{id}/invitation", () -> invitation("/%s/invitation"));
    calls.put("POST /teleconsultations/{id}/invitation/join", () -> invitation("/%s/invitation/join"));
    calls.put("POST /teleconsultations/{id}/vital-signs", () -> {
      Call call = teleconsultation(false, "/%s/vital-signs");
      return new Call(call.path(), new JsonObject().put("temperature", 37.8), null, call.cleanup());
    });
    calls.put("POST /teleconsultations/{id}/messages", () -> {
      Call call = teleconsultation(true, "/%s/messages");
      return new Call(call.path(), new JsonObject().put("text", "Plaie propre."), null, call.cleanup());
    });
    calls.put("POST /teleconsultations/{id}/files", () -> {
      Call call = teleconsultation(false, "/%s/files");
      return new Call(call.path(), null, null, call.cleanup(), PHOTO);
    });
    calls.put("GET /teleconsultations/{id}/files/{fileId}", () -> {
      Call call = teleconsultation(false, "/%s/files");
      Api.Response added = node.api.sendBytes("POST", "/api" + call.path(), tokens.get("nurse"), PHOTO,
          Map.of("Content-Type", "application/octet-stream", "X-File-Name", "photo.png"));
      assertThat(added.status()).as(added.toString()).isEqualTo(201);
      String fileId = added.json().getJsonArray("files").getJsonObject(0).getString("id");
      return new Call(call.path() + "/" + fileId, null, null, call.cleanup());
    });
    // A file of its own each time: the nurse's 204 withdraws it.
    calls.put("DELETE /teleconsultations/{id}/files/{fileId}", calls.get("GET /teleconsultations/{id}/files/{fileId}"));
    // A closed written opinion of the nurse's care home, which the geriatrician handled.
    calls.put("GET /teleconsultations/{id}/report.pdf", () -> {
      Call call = opinion("/%s/report.pdf");
      call.cleanup().run();
      return new Call(call.path(), null);
    });
    calls.put("POST /teleconsultations/{id}/video", () -> opinion("/%s/video"));
    calls.put("POST /teleconsultations/{id}/cancel", () -> teleconsultation(false, "/%s/cancel"));
    calls.put("GET /presence", () -> new Call("/presence", null));
    calls.put("POST /presence", () -> new Call("/presence", new JsonObject().put("status", "available")));

    calls.put("GET /visio/services", () -> new Call("/visio/services", null));
    calls.put("POST /visio/services", () -> new Call("/visio/services", service()));
    calls.put("GET /visio/services/{id}", () -> new Call("/visio/services/" + visio.serviceId, null));
    calls.put("PUT /visio/services/{id}", () -> new Call("/visio/services/" + created("/visio/services", service()),
        new JsonObject().put("name", "Aides au logement").put("durationMinutes", 45)));
    calls.put("POST /visio/services/{id}/withdraw", () -> new Call("/visio/services/" + created("/visio/services", service())
        + "/withdraw", null));
    calls.put("GET /visio/services/{id}/slots", () -> new Call("/visio/services/" + visio.serviceId
        + "/slots?from=2026-12-01&to=2026-12-01", null));
    calls.put("GET /visio/services/{id}/waiting-list", () -> new Call("/visio/services/" + visio.serviceId + "/waiting-list", null));
    calls.put("POST /visio/waiting-list", () -> new Call("/visio/waiting-list", waitingBody()));
    calls.put("GET /visio/waiting-list/{id}", () -> waitingPlace(""));
    calls.put("POST /visio/waiting-list/{id}/take", () -> waitingPlace("/take"));
    calls.put("POST /visio/waiting-list/{id}/decline", () -> waitingPlace("/decline"));
    calls.put("POST /visio/waiting-list/{id}/leave", () -> waitingPlace("/leave"));
    calls.put("GET /visio/waiting-list/{id}/personal-data", () -> waitingPlace("/personal-data"));
    calls.put("GET /visio/points", () -> new Call("/visio/points", null));
    calls.put("POST /visio/points", () -> new Call("/visio/points", pointBody()));
    calls.put("PUT /visio/points/{id}", () -> new Call("/visio/points/" + extraPointId, pointBody()));
    calls.put("POST /visio/points/{id}/withdraw", () -> new Call("/visio/points/" + point() + "/withdraw", null));

    calls.put("POST /visio/points/{id}/kiosks", () -> new Call("/visio/points/" + kioskPointId + "/kiosks",
        new JsonObject().put("label", "Borne n° " + counter.incrementAndGet())));
    calls.put("GET /visio/points/{id}/kiosks", () -> new Call("/visio/points/" + kioskPointId + "/kiosks", null));
    calls.put("DELETE /visio/points/{id}/kiosks/{kioskId}", () -> new Call("/visio/points/" + kioskPointId + "/kiosks/"
        + newScreen(kioskPointId).getString("id"), null));
    calls.put("POST /visio/kiosk/pair", () -> new Call("/visio/kiosk/pair",
        new JsonObject().put("code", newScreen(kioskPointId).getString("code"))));
    calls.put("GET /visio/kiosk", () -> screen("/visio/kiosk", null));
    calls.put("POST /visio/kiosk/check-in", () -> screen("/visio/kiosk/check-in", new JsonObject().put("appointmentId", kioskLater)));
    // Her convocation's QR code in a camera frame: read, then checked in as her reference typed (another point's screen: 404).
    calls.put("POST /visio/kiosk/scan", () -> new Call("/visio/kiosk/scan", null, null, () -> {},
        QrPictures.frame(kioskLaterReference), kioskToken, otherKioskToken));
    // A slot of the screen's own point each time (the other column's screen books at its own point).
    calls.put("POST /visio/kiosk/appointments", () -> screen("/visio/kiosk/appointments", new JsonObject()
        .put("serviceId", kioskService).put("start", at(LocalDate.parse("2026-11-30"), 2 + counter.incrementAndGet() % 6))
        .put("citizen", new JsonObject().put("name", "Jeanne Vidal").put("phone", "06 39 98 12 3" + counter.get() % 10))));
    calls.put("GET /visio/kiosk/appointments/{id}", () -> screen("/visio/kiosk/appointments/" + kioskLater, null));
    calls.put("GET /visio/kiosk/appointments/{id}/join", () -> screen("/visio/kiosk/appointments/" + kioskNow + "/join", null));
    // "waiting": the join of its own check-in stays open to the screen for the other cells.
    calls.put("POST /visio/kiosk/appointments/{id}/presence", () -> screen("/visio/kiosk/appointments/" + kioskNow + "/presence",
        new JsonObject().put("state", "waiting")));
    calls.put("POST /visio/kiosk/appointments/{id}/leave", () -> screen("/visio/kiosk/appointments/" + kioskLater + "/leave", null));

    calls.put("POST /visio/appointments", () -> new Call("/visio/appointments", VisioTerritory.booking(visio.serviceId, nextSlot())));
    calls.put("GET /visio/appointments", () -> new Call("/visio/appointments?date=2026-12-01", null));
    calls.put("GET /visio/bookers/{id}/contactless-appointments", () -> new Call("/visio/bookers/" + visio.mediatorId
        + "/contactless-appointments", null));
    calls.put("GET /visio/appointments/{id}", () -> appointment(shared, ""));
    calls.put("POST /visio/appointments/{id}/cancel", () -> appointment(book(nextSlot()), "/cancel"));
    // A reference and a contact of their own each time: the answer is the same whether they match or not.
    calls.put("POST /visio/lost-link", () -> new Call("/visio/lost-link", new JsonObject()
        .put("reference", "RM-" + counter.incrementAndGet()).put("contact", "perdu" + counter.incrementAndGet() + "@rights.test")));
    calls.put("POST /visio/appointments/{id}/manage-link", () -> appointment(book(nextSlot()), "/manage-link"));
    calls.put("GET /visio/appointments/{id}/calendar.ics", () -> appointment(shared, "/calendar.ics"));
    calls.put("GET /visio/appointments/{id}/qr-code.svg", () -> appointment(shared, "/qr-code.svg"));
    calls.put("GET /visio/appointments/{id}/convocation", () -> appointment(shared, "/convocation"));
    calls.put("POST /visio/appointments/{id}/reschedule", () -> {
      Call call = appointment(book(nextSlot()), "/reschedule");
      return new Call(call.path(), new JsonObject().put("start", nextSlot()), call.appointment(), call.cleanup());
    });
    calls.put("GET /visio/appointments/{id}/join", () -> appointment(openRoom, "/join"));
    calls.put("POST /visio/appointments/{id}/presence", () -> {
      Call call = appointment(openRoom, "/presence");
      return new Call(call.path(), new JsonObject().put("state", "waiting"), call.appointment(), call.cleanup());
    });
    calls.put("POST /visio/appointments/{id}/complete", () -> appointment(book(nextSlot()), "/complete"));
    calls.put("POST /visio/appointments/{id}/no-show", () -> appointment(book(nextSlot()), "/no-show"));
    calls.put("POST /visio/appointments/{id}/undo-outcome", () -> {
      Booking done = book(nextSlot());
      node.api.post("/api/visio/appointments/" + done.id() + "/complete", tokens.get("agent"), null);
      return appointment(done, "/undo-outcome");
    });

    calls.put("GET /visio/appointments/{id}/personal-data", () -> appointment(shared, "/personal-data"));
    calls.put("POST /visio/appointments/{id}/erasure", () -> appointment(book(nextSlot()), "/erasure"));

    String calendar = "/visio/agents/" + visio.agentId;
    calls.put("GET /visio/agents/{agentId}/availability", () -> new Call(calendar + "/availability", null));
    calls.put("PUT /visio/agents/{agentId}/availability", () -> new Call(calendar + "/availability", weekdays()));
    calls.put("POST /visio/agents/{agentId}/exceptions", () -> new Call(calendar + "/exceptions", leave()));
    calls.put("POST /visio/organisations/{id}/closures", () -> new Call("/visio/organisations/" + visio.cafId + "/closures", leave()));
    calls.put("DELETE /visio/agents/{agentId}/exceptions/{exceptionId}", () -> {
      JsonArray exceptions = node.api.post("/api/" + calendar.substring(1) + "/exceptions", visio.admin, leave()).json()
          .getJsonArray("exceptions");
      long newest = exceptions.stream().map(JsonObject.class::cast).mapToLong(e -> e.getLong("id")).max().orElseThrow();
      return new Call(calendar + "/exceptions/" + newest, null);
    });
    // Nobody has this e-mail: the cells check who may ask, and no appointment of the other cases is touched.
    JsonObject person = new JsonObject().put("email", "personne@example.fr").put("reason", "Demande écrite du 1er décembre");
    calls.put("POST /admin/personal-data/export", () -> new Call("/admin/personal-data/export", person));
    calls.put("POST /admin/personal-data/erasure", () -> new Call("/admin/personal-data/erasure", person));
    calls.put("GET /stats/overview", () -> new Call("/stats/overview?from=2026-11-01&to=2026-11-30", null));
    calls.put("GET /admin/audit", () -> new Call("/admin/audit?kind=change&limit=5", null));
    calls.put("GET /admin/audit/export.csv", () -> new Call("/admin/audit/export.csv?kind=change&from=2026-11-01&to=2026-11-30", null));
    calls.put("GET /stats/export.csv", () -> new Call("/stats/export.csv?from=2026-11-01&to=2026-11-30", null));
    return calls;
  }

  private Api.Response send(String method, Call call, String caller) {
    Map<String, String> headers = new HashMap<>();
    if (call.body() != null) {
      headers.put("Content-Type", "application/json");
    }
    String bearer = null;
    switch (caller) {
      case "citizen" -> {
        if (call.guestSecret() != null) {
          secret(headers, call.guestSecret());
        } else {
          headers.put("X-Manage-Token", (call.appointment() != null ? call.appointment() : shared).manageToken());
        }
      }
      case "other" -> {
        if (call.otherGuestSecret() != null) {
          secret(headers, call.otherGuestSecret());
        } else {
          headers.put("X-Manage-Token", another.manageToken());
        }
      }
      case "none" -> { }
      default -> bearer = tokens.get(caller);
    }
    if (call.path().equals("/auth/password") && bearer != null) {
      return ownPasswordChanged(bearer, caller.equals("admin") ? TestNode.ADMIN_PASSWORD : CareTerritory.PASSWORD, headers);
    }
    if (call.file() != null) {
      headers.put("Content-Type", "application/octet-stream");
      headers.put("X-File-Name", "photo.png");
      return node.api.overHttp1().sendBytes(method, "/api" + call.path(), bearer, call.file(), headers);
    }
    return node.api.send(method, "/api" + call.path(), bearer, call.body() == null ? null : call.body().encode(), headers);
  }

  private static final String PASSWORD_FOR_A_MOMENT = "changed-for-a-moment-0123";

  private static JsonObject passwordChange(String current) {
    return new JsonObject().put("currentPassword", current).put("newPassword", PASSWORD_FOR_A_MOMENT);
  }

  /**
   * The caller changes her own password. A change ends every session of hers, which the other cells' tokens are: a
   * signed-in caller's change is made by a twin of hers (same role, structure and specialties, her password), signed
   * in for it. A token that signs nobody in (expired, a deactivated account's) is sent as it is.
   */
  private Api.Response ownPasswordChanged(String bearer, String own, Map<String, String> headers) {
    Api.Response me = node.api.get("/api/me", bearer);
    if (me.status() != 200) {
      return node.api.send("POST", "/api/auth/password", bearer, passwordChange(own).encode(), headers);
    }
    JsonObject her = me.json();
    String email = "twin" + twins.incrementAndGet() + "-" + her.getString("email");
    JsonObject twin = new JsonObject().put("email", email).put("password", own).put("role", her.getString("role"))
        .put("displayName", her.getString("displayName"));
    if (her.getString("organisationId") != null) {
      twin.put("organisationId", her.getString("organisationId"));
    }
    if (her.getJsonArray("specialties") != null && !her.getJsonArray("specialties").isEmpty()) {
      twin.put("specialties", her.getJsonArray("specialties"));
    }
    Api.Response made = node.api.post("/api/users", node.adminToken(), twin);
    assertThat(made.status()).as(made.toString()).isEqualTo(201);
    return node.api.send("POST", "/api/auth/password", node.api.login(email, own), passwordChange(own).encode(), headers);
  }

  private final java.util.concurrent.atomic.AtomicInteger twins = new java.util.concurrent.atomic.AtomicInteger();

  /** A point's screen shows its device token; a call's guest her secret, from her browser (its key, X-Guest-Device). */
  private static void secret(Map<String, String> headers, String secret) {
    if (secret.startsWith("kiosk_")) {
      headers.put("X-Kiosk-Token", secret);
    } else {
      headers.put("X-Guest-Token", secret);
      headers.put("X-Guest-Device", "rights-matrix-guest-browser-0123456789");
    }
  }

  /**
   * A new geriatrics request of the nurse's care home, queued or taken by the geriatrician;
   * afterwards given back by whoever holds it and cancelled, so the queue is empty again and no
   * doctor keeps an open request.
   */
  private Call teleconsultation(boolean assigned, String suffix) {
    String id = node.api.post("/api/teleconsultations", tokens.get("nurse"), CareTerritory.request("geriatrie", "normal"))
        .json().getString("id");
    if (assigned) {
      assertThat(node.api.post("/api/teleconsultations/" + id + "/claim", tokens.get("geri"), null).status()).isEqualTo(200);
    }
    return new Call("/teleconsultations" + suffix.formatted(id), null, null, () -> {
      for (String doctor : List.of("geri", "cardio", "gp")) {
        node.api.post("/api/teleconsultations/" + id + "/release", tokens.get(doctor), null);
      }
      node.api.post("/api/teleconsultations/" + id + "/cancel", tokens.get("nurse"), null);
    });
  }

  /**
   * A request taken by the geriatrician with a guest invited (her secret for the citizen column),
   * and a guest of another, cancelled request (her secret for the other column).
   */
  private Call invitation(String suffix) {
    String elsewhere = node.api.post("/api/teleconsultations", tokens.get("nurse"), CareTerritory.request("geriatrie", "normal"))
        .json().getString("id");
    node.api.post("/api/teleconsultations/" + elsewhere + "/cancel", tokens.get("nurse"), null);
    String otherSecret = "other-secret-" + counter.incrementAndGet();
    guest(elsewhere, otherSecret);
    Call call = teleconsultation(true, suffix);
    String secret = "secret-" + counter.incrementAndGet();
    guest(call.path().split("/")[2], secret);
    return new Call(call.path(), null, null, call.cleanup(), null, secret, otherSecret);
  }

  /**
   * A guest of the request, for the room it has now, whose secret is {@code secret}: written in SQL,
   * since the secret travels only in the mail or SMS (GuestTest reads them).
   */
  private String guest(String item, String secret) {
    String id = java.util.UUID.randomUUID().toString();
    TestNode.await(node.node().platform().pool().preparedQuery("""
            INSERT INTO teleconsultation_guest (id, teleconsultation_id, room_name, token_hash, name, role, channel,
              masked_contact, consent_by, invited_by, invited_at)
            SELECT $1::uuid, t.id, t.room_name, sha256(convert_to($3, 'UTF8')), 'Ana Lopes', 'interpreter', 'mail',
              'a***@example.fr', 'patient', t.nurse_id, now() FROM teleconsultation t WHERE t.id = $2::uuid""")
        .execute(io.vertx.sqlclient.Tuple.of(id, item, secret)));
    return id;
  }

  /** A written opinion taken by the geriatrician (only she may turn it into a call). */
  private Call opinion(String suffix) {
    String id = node.api.post("/api/teleconsultations", tokens.get("nurse"),
        CareTerritory.request("geriatrie", "normal").put("kind", "opinion")).json().getString("id");
    assertThat(node.api.post("/api/teleconsultations/" + id + "/claim", tokens.get("geri"), null).status()).isEqualTo(200);
    return new Call("/teleconsultations" + suffix.formatted(id), null, null, () ->
        node.api.post("/api/teleconsultations/" + id + "/complete", tokens.get("geri"),
            new JsonObject().put("report", "Vu.").put("outcome", "advice_given")));
  }

  private String serviceWithoutAgents;

  /** Someone new on the waiting list of a service nobody serves (so never offered a slot). */
  private JsonObject waitingBody() {
    if (serviceWithoutAgents == null) {
      serviceWithoutAgents = created("/visio/services", service());
    }
    return new JsonObject().put("serviceId", serviceWithoutAgents).put("citizen", new JsonObject().put("name", "Rose Vermenouze")
        .put("email", "rose" + counter.incrementAndGet() + "@example.fr"));
  }

  /** A new place on that list (joined by the mediator: no limit), its secret shown by the citizen. */
  private Call waitingPlace(String suffix) {
    JsonObject joined = node.api.post("/api/visio/waiting-list", visio.mediator, waitingBody()).json();
    return new Call("/visio/waiting-list/" + joined.getString("id") + suffix, null,
        new Booking(joined.getString("id"), joined.getString("token")), () -> {});
  }

  private Call appointment(Booking booking, String suffix) {
    return new Call("/visio/appointments/" + booking.id() + suffix, null, booking, () -> {});
  }

  /** Booked by the mediator. */
  private Booking book(String start) {
    JsonObject booked = node.api.post("/api/visio/appointments", visio.mediator, VisioTerritory.booking(visio.serviceId, start)).json();
    return new Booking(booked.getString("id"), booked.getString("manageToken"));
  }

  /**
   * A half hour of the CAF's agent never used before: weekdays from Tuesday 1 December, 8:00 to
   * 18:00 (Paris), but Christmas and New Year's Day (holidays: nobody serves).
   */
  private String nextSlot() {
    int n = counter.incrementAndGet();
    LocalDate day = LocalDate.parse("2026-12-01");
    for (int skip = n / 20; skip > 0; skip--) {
      day = day.plusDays(1);
      while (day.getDayOfWeek().getValue() > 5 || day.getDayOfYear() == 1 || day.getMonthValue() == 12 && day.getDayOfMonth() == 25) {
        day = day.plusDays(1);
      }
    }
    return at(day, n % 20);
  }

  private static String at(LocalDate day, int halfHour) {
    return day.atTime(8, 0).plusMinutes(30L * halfHour).atZone(java.time.ZoneId.of("Europe/Paris"))
        .format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }

  /** A day of leave in 2027, never the same. */
  private JsonObject leave() {
    LocalDate day = LocalDate.parse("2027-01-04").plusDays(counter.incrementAndGet());
    return new JsonObject().put("start", day + "T00:00:00+01:00").put("end", day.plusDays(1) + "T00:00:00+01:00")
        .put("reason", "Formation");
  }

  private JsonObject weekdays() {
    JsonArray week = new JsonArray();
    for (int day = 1; day <= 5; day++) {
      week.add(new JsonObject().put("weekday", day).put("start", "08:00").put("end", "18:00"));
    }
    return new JsonObject().put("serviceIds", new JsonArray().add(visio.serviceId)).put("weekly", week).put("bufferMinutes", 0)
        .put("minNoticeMinutes", 0).put("horizonDays", 60);
  }

  private JsonObject service() {
    return new JsonObject().put("organisationId", visio.cafId).put("name", "Service " + counter.incrementAndGet())
        .put("durationMinutes", 30).put("referencePrefix", "RSA").put("description", "Un service");
  }

  private JsonObject pointBody() {
    return new JsonObject().put("name", "Tiers-lieu n° " + counter.incrementAndGet()).put("commune", "Allanche").put("kind", "tiers_lieu")
        .put("hours", new JsonArray().add(new JsonObject().put("weekday", 3).put("start", "14:00").put("end", "17:00")));
  }

  private String point() {
    return created("/visio/points", pointBody());
  }

  private String created(String path, JsonObject body) {
    Api.Response response = node.api.post("/api" + path, visio.admin, body);
    assertThat(response.status()).as(response.toString()).isEqualTo(201);
    return response.json().getString("id");
  }

  private final Map<String, String> emails = new HashMap<>();

  private String user(String role, String organisationId) {
    String email = "user" + counter.incrementAndGet() + "@rights.test";
    String id = created("/users", new JsonObject().put("email", email).put("password", CareTerritory.PASSWORD)
        .put("role", role).put("displayName", "Marie Passante").put("organisationId", organisationId));
    emails.put(id, email);
    return id;
  }

  private String emailOf(String userId) {
    return emails.get(userId);
  }

  /**
   * "GET /me", … for every operation of the API in the contract (the node's own endpoints
   * outside /api, which name servers of their own, are not the API's rights).
   */
  @SuppressWarnings("unchecked")
  private static List<String> operationsOfTheContract() throws Exception {
    Map<String, Object> contract = new com.fasterxml.jackson.databind.ObjectMapper(
        new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readValue(Path.of("docs/openapi.yaml").toFile(), Map.class);
    List<String> operations = new ArrayList<>();
    ((Map<String, Map<String, Object>>) contract.get("paths")).forEach((path, item) -> {
      if (!item.containsKey("servers")) {
        item.keySet().stream().filter(k -> k.matches("get|post|put|delete|patch"))
            .forEach(method -> operations.add(method.toUpperCase() + " " + path));
      }
    });
    return operations;
  }
}
