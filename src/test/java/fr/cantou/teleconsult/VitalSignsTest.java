package fr.cantou.teleconsult;

import fr.cantou.platform.http.Idempotent;
import fr.cantou.support.CareNodeTest;
import fr.cantou.support.Eventually;
import fr.cantou.support.SentTwiceAtOnce;
import fr.cantou.support.TestNode;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/** Vital signs with a request: measured by the nurse, read by the doctor, judged plausible, erased with the patient. */
class VitalSignsTest extends CareNodeTest {
  private static JsonObject signs() {
    return new JsonObject().put("bloodPressure", new JsonObject().put("systolic", 145).put("diastolic", 85))
        .put("pulse", 92).put("temperature", 38.4).put("spo2", 94).put("glycaemia", 1.32).put("weight", 61.5).put("pain", 6);
  }

  private String path(JsonObject item) {
    return "/api/teleconsultations/" + item.getString("id") + "/vital-signs";
  }

  @Test
  void the_signs_sent_with_a_request_reach_the_doctor_in_their_units() {
    Instant measured = clock.instant().minus(Duration.ofMinutes(20)).truncatedTo(ChronoUnit.SECONDS);
    JsonObject created = care.create(request("geriatrie", "normal").put("vitalSigns", signs().put("measuredAt", measured.toString())));

    JsonArray sets = node.api.get("/api/teleconsultations/" + created.getString("id"), care.geriatrician).json()
        .getJsonArray("vitalSigns");
    assertThat(sets).hasSize(1);
    JsonObject set = sets.getJsonObject(0);
    assertThat(Instant.parse(set.getString("measuredAt"))).isEqualTo(measured);
    assertThat(set.getJsonObject("bloodPressure").getMap()).isEqualTo(Map.of("systolic", 145, "diastolic", 85));
    assertThat(set.getInteger("pulse")).isEqualTo(92);
    assertThat(set.getDouble("temperature")).isEqualTo(38.4);
    assertThat(set.getInteger("spo2")).isEqualTo(94);
    assertThat(set.getDouble("glycaemia")).isEqualTo(1.32);
    assertThat(set.getDouble("weight")).isEqualTo(61.5);
    assertThat(set.getInteger("pain")).isEqualTo(6);
    assertThat(set.getString("recordedByName")).isNotBlank();
    assertThat(node.api.get("/api/teleconsultations?status=queued", care.geriatrician).array().getJsonObject(0)
        .getJsonArray("vitalSigns")).as("the queue shows them too").hasSize(1);
  }

  @Test
  void a_request_without_signs_has_an_empty_list() {
    JsonObject created = care.create(request("geriatrie", "normal"));
    assertThat(created.getJsonArray("vitalSigns")).isEmpty();
  }

  @Test
  void a_value_out_of_its_range_is_refused_with_a_sentence_naming_the_field_and_nothing_is_created() {
    var fever = node.api.post("/api/teleconsultations", care.nurse,
        request("geriatrie", "normal").put("vitalSigns", signs().put("temperature", 73)));
    assertThat(fever.status()).isEqualTo(400);
    assertThat(fever.json().getString("field")).isEqualTo("vitalSigns.temperature");
    assertThat(fever.detail()).contains("between 30 and 44 °C");
    assertThat(node.api.get("/api/teleconsultations", care.nurse).array()).as("nothing half-written").isEmpty();

    var french = node.api.send("POST", "/api/teleconsultations", care.nurse,
        request("geriatrie", "normal").put("vitalSigns", signs().put("glycaemia", 12)).encode(), Map.of("Accept-Language", "fr", "Content-Type", "application/json"));
    assertThat(french.status()).isEqualTo(400);
    assertThat(french.detail()).isEqualTo(
        "Champ « vitalSigns.glycaemia » invalide : la glycémie capillaire est attendue entre 0,20 et 6,00 g/L.");

    JsonObject item = care.create(request("geriatrie", "normal"));
    var reversed = node.api.post(path(item), care.nurse, new JsonObject()
        .put("bloodPressure", new JsonObject().put("systolic", 80).put("diastolic", 120)));
    assertThat(reversed.status()).isEqualTo(400);
    assertThat(reversed.json().getString("field")).isEqualTo("vitalSigns.bloodPressure.diastolic");
    var half = node.api.post(path(item), care.nurse, new JsonObject().put("bloodPressure", new JsonObject().put("systolic", 120)));
    assertThat(half.json().getString("field")).isEqualTo("vitalSigns.bloodPressure");
    assertThat(node.api.post(path(item), care.nurse, new JsonObject()).json().getString("field")).isEqualTo("vitalSigns");
    assertThat(node.api.post(path(item), care.nurse, new JsonObject().put("pulse", 19)).json().getString("field"))
        .isEqualTo("vitalSigns.pulse");
    assertThat(node.api.post(path(item), care.nurse, new JsonObject().put("spo2", 101)).json().getString("field"))
        .isEqualTo("vitalSigns.spo2");
    assertThat(node.api.post(path(item), care.nurse, new JsonObject().put("weight", 0.5)).json().getString("field"))
        .isEqualTo("vitalSigns.weight");
    assertThat(node.api.post(path(item), care.nurse, new JsonObject().put("pain", 11)).json().getString("field"))
        .isEqualTo("vitalSigns.pain");
    var tomorrow = node.api.post(path(item), care.nurse, new JsonObject().put("pulse", 80)
        .put("measuredAt", clock.instant().plus(Duration.ofHours(1)).toString()));
    assertThat(tomorrow.json().getString("field")).isEqualTo("vitalSigns.measuredAt");
    assertThat(node.api.get("/api/teleconsultations/" + item.getString("id"), care.nurse).json().getJsonArray("vitalSigns"))
        .isEmpty();
  }

  @Test
  void signs_added_later_reach_the_doctor_live_and_say_so_in_the_timeline() {
    JsonObject item = care.create(request("geriatrie", "normal"));
    try (WsClient doctor = WsClient.hello(node.port(), care.geriatrician, null)) {
      doctor.next(m -> "snapshot".equals(m.getString("type")));
      clock.advance(Duration.ofMinutes(10));
      var added = node.api.post(path(item), care.nurse, new JsonObject().put("temperature", 39.1).put("pulse", 104));
      assertThat(added.status()).isEqualTo(200);
      assertThat(added.json().getJsonArray("vitalSigns")).hasSize(1);

      JsonObject event = doctor.nextEvent("teleconsultation.updated");
      assertThat(event.getJsonObject("data").getJsonArray("vitalSigns").getJsonObject(0).getDouble("temperature"))
          .isEqualTo(39.1);
    }
    JsonArray timeline = node.api.get("/api/teleconsultations/" + item.getString("id") + "/timeline", care.nurse).array();
    JsonObject line = timeline.getJsonObject(timeline.size() - 1);
    assertThat(line.getString("action")).isEqualTo("vital_signs");
    // Checked field by field: the line's times come from a clock that starts at the real time (11:32:39.1… held "39.1").
    JsonObject detail = line.getJsonObject("detail");
    assertThat(detail.fieldNames()).as("which measures, not their values").containsExactlyInAnyOrder("measures", "measuredAt");
    assertThat(detail.getJsonArray("measures").getList()).containsExactlyInAnyOrder("temperature", "pulse");
  }

  @Test
  void only_a_nurse_of_the_requesting_care_home_adds_them_and_only_while_it_is_open() {
    JsonObject item = care.create(request("geriatrie", "normal"));
    JsonObject body = new JsonObject().put("pulse", 80);
    assertThat(node.api.post(path(item), care.otherNurse, body).status()).isEqualTo(403);
    assertThat(node.api.post(path(item), care.geriatrician, body).status()).isEqualTo(403);
    assertThat(node.api.post("/api/teleconsultations/" + item.getString("id") + "/cancel", care.nurse, null).status())
        .isEqualTo(200);
    var closed = node.api.post(path(item), care.nurse, body);
    assertThat(closed.status()).isEqualTo(409);
    assertThat(node.api.get("/api/teleconsultations/" + item.getString("id"), care.nurse).json().getJsonArray("vitalSigns"))
        .isEmpty();
  }

  @Test
  void a_request_holds_at_most_twenty_sets() {
    JsonObject item = care.create(request("geriatrie", "normal"));
    for (int i = 0; i < VitalSignsStore.MOST_SETS; i++) {
      assertThat(node.api.post(path(item), care.nurse, new JsonObject().put("pulse", 60 + i)).status()).isEqualTo(200);
    }
    var full = node.api.post(path(item), care.nurse, new JsonObject().put("pulse", 99));
    assertThat(full.status()).isEqualTo(409);
    assertThat(full.detail()).contains("20 sets");
  }

  /**
   * Another nurse's set is being written (its transaction open, the item locked as the service
   * locks it); a set added meanwhile waits for it, then finds the item full.
   */
  @Test
  void a_set_added_while_another_is_being_written_waits_for_it_and_never_passes_the_limit() {
    JsonObject item = care.create(request("geriatrie", "normal"));
    UUID id = UUID.fromString(item.getString("id"));
    for (int i = 0; i < VitalSignsStore.MOST_SETS - 1; i++) {
      assertThat(node.api.post(path(item), care.nurse, new JsonObject().put("pulse", 60 + i)).status()).isEqualTo(200);
    }
    UUID nurseId = UUID.fromString(node.api.get("/api/me", care.nurse).json().getString("id"));
    SqlConnection other = TestNode.await(node.node().platform().pool().getConnection());
    try {
      Transaction open = TestNode.await(other.begin());
      assertThat(TestNode.await(new VitalSignsStore().add(other, id, new VitalSigns.Measured(null, null, 80, null, null, null,
          null, null), clock.instant(), nurseId, clock.instant(), null))).isTrue();
      CompletableFuture<Integer> mine = CompletableFuture.supplyAsync(() ->
          node.api.post(path(item), care.nurse, new JsonObject().put("pulse", 99)).status());
      Eventually.until("the second set waits for the first or is answered", () -> mine.isDone() || waitsOnALock());
      TestNode.await(open.commit());
      assertThat(mine.join()).as("the item was full once the first set committed").isEqualTo(409);
    } finally {
      other.close();
    }
    assertThat(node.api.get("/api/teleconsultations/" + id, care.nurse).json().getJsonArray("vitalSigns"))
        .hasSize(VitalSignsStore.MOST_SETS);
  }

  /**
   * Her "Enregistrer" sent again with its key after the answer was lost (a weak link): the first set is answered, not
   * recorded twice in the health record, its timeline line and its event not made twice. The event of a later set
   * comes right after the first's: no second event came between.
   */
  @Test
  void a_set_sent_again_with_its_key_is_recorded_and_told_once() {
    JsonObject item = care.create(request("geriatrie", "normal"));
    JsonObject body = new JsonObject().put("temperature", 39.1).put("pulse", 104);
    try (WsClient doctor = WsClient.hello(node.port(), care.geriatrician, null)) {
      doctor.next(m -> "snapshot".equals(m.getString("type")));
      var first = node.api.post(path(item), care.nurse, body, "vitals-key-0001");
      var again = node.api.post(path(item), care.nurse, body, "vitals-key-0001");
      assertThat(first.status()).isEqualTo(200);
      assertThat(again.status()).as(again.toString()).isEqualTo(200);
      assertThat(again.json()).isEqualTo(first.json());
      assertThat(node.api.post(path(item), care.nurse, new JsonObject().put("pulse", 90), "vitals-key-0002").status())
          .isEqualTo(200);

      assertThat(doctor.nextEvent("teleconsultation.updated").getJsonObject("data").getJsonArray("vitalSigns")).hasSize(1);
      assertThat(doctor.nextEvent("teleconsultation.updated").getJsonObject("data").getJsonArray("vitalSigns"))
          .as("the next event is the later set's").hasSize(2);
    }
    JsonArray sets = node.api.get("/api/teleconsultations/" + item.getString("id"), care.nurse).json().getJsonArray("vitalSigns");
    assertThat(sets).hasSize(2);
    JsonArray timeline = node.api.get("/api/teleconsultations/" + item.getString("id") + "/timeline", care.nurse).array();
    assertThat(timeline.stream().map(JsonObject.class::cast).filter(l -> "vital_signs".equals(l.getString("action"))))
        .hasSize(2);
  }

  /** The same key with another set (another resident's, or a value retyped): refused in French, nothing recorded. */
  @Test
  void the_same_key_with_another_set_is_refused_and_records_nothing() {
    JsonObject item = care.create(request("geriatrie", "normal"));
    JsonObject other = care.create(request("geriatrie", "normal"));
    assertThat(node.api.post(path(item), care.nurse, new JsonObject().put("pulse", 80), "vitals-key-0003").status())
        .isEqualTo(200);
    var retyped = node.api.post(path(item), care.nurse, new JsonObject().put("pulse", 88), "vitals-key-0003");
    var elsewhere = node.api.post(path(other), care.nurse, new JsonObject().put("pulse", 80), "vitals-key-0003");
    for (var refused : java.util.List.of(retyped, elsewhere)) {
      assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
      assertThat(refused.detail()).contains("a servi à d’autres constantes");
    }
    assertThat(node.api.get("/api/teleconsultations/" + item.getString("id"), care.nurse).json().getJsonArray("vitalSigns"))
        .hasSize(1);
    assertThat(node.api.get("/api/teleconsultations/" + other.getString("id"), care.nurse).json().getJsonArray("vitalSigns"))
        .isEmpty();
  }

  /**
   * The retry sent while the first send was still being written (its transaction open, the item locked as the
   * service locks it) waits for it, then meets its row at the unique index: answered with the first set, not a 500.
   */
  @Test
  void the_same_key_sent_twice_at_once_records_one_set() {
    JsonObject item = care.create(request("geriatrie", "normal"));
    UUID id = UUID.fromString(item.getString("id"));
    UUID nurseId = UUID.fromString(node.api.get("/api/me", care.nurse).json().getString("id"));
    VitalSigns.Measured signs = new VitalSigns.Measured(null, null, 80, null, null, null, null, null);
    var answered = SentTwiceAtOnce.retryAnswer(node, tx -> new VitalSignsStore().add(tx, id, signs, clock.instant(), nurseId,
            clock.instant(), Idempotent.of("vitals-key-0004", java.util.List.of(id, signs))),
        () -> node.api.post(path(item), care.nurse, new JsonObject().put("pulse", 80), "vitals-key-0004"));
    assertThat(answered.status()).as(answered.toString()).isEqualTo(200);
    assertThat(answered.json().getJsonArray("vitalSigns")).hasSize(1);
    assertThat(node.api.get("/api/teleconsultations/" + id, care.nurse).json().getJsonArray("vitalSigns")).hasSize(1);
  }

  /** A statement of the node waits for a row lock held by another transaction. */
  static boolean waitsOnALock(TestNode node) {
    return TestNode.await(node.node().platform().pool().query(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'").execute())
        .iterator().next().getLong("n") > 0;
  }

  private boolean waitsOnALock() {
    return waitsOnALock(node);
  }

  @Test
  void retention_erases_the_signs_with_the_patient_fields() {
    JsonObject item = care.create(request("geriatrie", "normal").put("vitalSigns", signs()));
    node.api.post("/api/teleconsultations/" + item.getString("id") + "/cancel", care.nurse, null);
    clock.advance(Duration.ofDays(91));
    TestNode.await(node.node().runJobs());
    JsonObject erased = node.api.get("/api/teleconsultations/" + item.getString("id"), care.nurse).json();
    assertThat(erased.getString("erasedAt")).isNotBlank();
    assertThat(erased.getJsonArray("vitalSigns")).isEmpty();
  }
}
