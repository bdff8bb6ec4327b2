package fr.cantou.teleconsult;

import fr.cantou.support.CareNodeTest;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import fr.cantou.support.Eventually;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/** The lifecycle of a teleconsultation, over HTTP, with a clock the test moves. */
class TeleconsultationTest extends CareNodeTest {
  @Test
  void a_nurse_starts_a_request_that_waits_in_the_queue() {
    JsonObject created = care.create(request("geriatrie", "normal"));
    assertThat(created.getString("status")).isEqualTo("queued");
    assertThat(created.getInteger("position")).isEqualTo(1);
    assertThat(created.getInteger("availableDoctors")).isZero();
    assertThat(created.containsKey("waitEstimateMinutes")).as("no estimate without a doctor").isFalse();
    assertThat(created.getJsonObject("consent").getString("by")).isEqualTo("patient");
    assertThat(created.getString("organisationName")).isEqualTo("EHPAD Les Estives");
  }

  @Test
  void without_consent_nothing_is_created() {
    JsonObject noConsent = request("geriatrie", "normal").put("consent", new JsonObject().put("given", false));
    var refused = node.api.post("/api/teleconsultations", care.nurse, noConsent);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.detail()).contains("consent.given");
    var missing = node.api.post("/api/teleconsultations", care.nurse, new JsonObject(request("geriatrie", "normal").getMap()) {{
      remove("consent");
    }});
    assertThat(missing.status()).isEqualTo(400);
    assertThat(node.api.get("/api/teleconsultations", care.nurse).array()).isEmpty();
  }

  @Test
  void a_social_security_number_is_never_a_patient_reference() {
    JsonObject body = request("geriatrie", "normal");
    body.getJsonObject("patient").put("reference", "1380515123456");
    var refused = node.api.post("/api/teleconsultations", care.nurse, body);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.detail()).contains("patient.reference");
  }

  @Test
  void only_nurses_start_requests() {
    assertThat(node.api.post("/api/teleconsultations", care.geriatrician, request("geriatrie", "normal")).status()).isEqualTo(403);
  }

  @Test
  void the_queue_puts_urgent_first_then_the_oldest() {
    JsonObject first = care.create(request("geriatrie", "normal"));
    clock.advance(Duration.ofMinutes(1));
    JsonObject second = care.create(request("geriatrie", "normal"));
    clock.advance(Duration.ofMinutes(1));
    JsonObject urgent = care.create(request("geriatrie", "urgent"));
    JsonArray queue = node.api.get("/api/teleconsultations?status=queued", care.geriatrician).array();
    assertThat(queue.stream().map(i -> ((JsonObject) i).getString("id")))
        .containsExactly(urgent.getString("id"), first.getString("id"), second.getString("id"));
    assertThat(queue.getJsonObject(0).getInteger("position")).isEqualTo(1);
    assertThat(queue.getJsonObject(2).getInteger("position")).isEqualTo(3);
  }

  @Test
  void an_item_read_alone_tells_the_same_place_as_the_queue_it_is_in() {
    JsonObject first = care.create(request("geriatrie", "normal"));
    care.create(request("cardiologie", "urgent"));
    clock.advance(Duration.ofMinutes(1));
    JsonObject second = care.create(request("geriatrie", "normal"));
    clock.advance(Duration.ofMinutes(1));
    JsonObject urgent = care.create(request("geriatrie", "urgent"));
    clock.advance(Duration.ofMinutes(1));
    JsonObject third = care.create(request("geriatrie", "normal"));
    // Made in the same minute: the id decides, in the list and alone.
    JsonObject fourth = care.create(request("geriatrie", "normal"));
    clock.advance(Duration.ofMinutes(1));
    JsonObject secondUrgent = care.create(request("geriatrie", "urgent"));

    JsonArray queue = node.api.get("/api/teleconsultations?status=queued", care.geriatrician).array();
    assertThat(queue.stream().map(i -> ((JsonObject) i).getString("id"))).hasSize(6).startsWith(urgent.getString("id"),
        secondUrgent.getString("id"), first.getString("id"), second.getString("id"))
        .containsAll(List.of(third.getString("id"), fourth.getString("id")));
    for (int i = 0; i < queue.size(); i++) {
      String id = queue.getJsonObject(i).getString("id");
      assertThat(node.api.get("/api/teleconsultations/" + id, care.nurse).json().getInteger("position"))
          .as("place of %s", id).isEqualTo(i + 1).isEqualTo(queue.getJsonObject(i).getInteger("position"));
    }
  }

  @Test
  void a_place_counts_the_announced_items_ahead_only_urgent_ones_first_and_the_create_answers_it() {
    // Planned, urgent, not yet announced: ahead of nobody until its time comes.
    JsonObject planned = care.create(request("geriatrie", "urgent")
        .put("plannedAt", clock.instant().plus(Duration.ofHours(1)).toString()));
    assertThat(planned.containsKey("position")).as("a planned request has no place yet").isFalse();
    JsonObject first = care.create(request("geriatrie", "normal"));
    assertThat(first.getInteger("position")).isEqualTo(1);
    JsonObject urgent = care.create(request("geriatrie", "urgent"));
    assertThat(urgent.getInteger("position")).as("an urgent one passes the normal ones").isEqualTo(1);
    clock.advance(Duration.ofMinutes(1));
    JsonObject second = care.create(request("geriatrie", "normal"));
    assertThat(second.getInteger("position")).as("after the first and the urgent one").isEqualTo(3);
    clock.advance(Duration.ofHours(1));
    TestNode.await(node.node().runJobs());
    assertThat(node.api.get("/api/teleconsultations/" + planned.getString("id"), care.nurse).json().getInteger("position"))
        .as("announced, queued at its planned time: after the urgent one made before").isEqualTo(2);
    assertThat(node.api.get("/api/teleconsultations/" + second.getString("id"), care.nurse).json().getInteger("position"))
        .isEqualTo(4);
  }

  @Test
  void past_a_hundred_ahead_a_place_is_told_as_more_than_a_hundred_alike_in_the_create_the_read_and_the_list() {
    JsonObject urgent = care.create(request("geriatrie", "urgent"));
    // A second apart: made in the same instant, their ids would order them.
    for (int i = 0; i < 98; i++) {
      clock.advance(Duration.ofSeconds(1));
      care.create(request("geriatrie", "normal"));
    }
    clock.advance(Duration.ofSeconds(1));
    JsonObject hundredth = care.create(request("geriatrie", "normal"));
    assertThat(hundredth.getInteger("position")).as("counted exactly up to 100").isEqualTo(100);
    assertThat(hundredth.containsKey("positionAtLeast")).isFalse();
    clock.advance(Duration.ofSeconds(1));
    JsonObject next = care.create(request("geriatrie", "normal"));
    assertThat(next.getInteger("position")).isEqualTo(101);
    assertThat(next.getBoolean("positionAtLeast")).as("100 ahead: not counted further").isTrue();
    clock.advance(Duration.ofMinutes(1));
    JsonObject last = care.create(request("geriatrie", "normal"));
    assertThat(last.getInteger("position")).as("102nd, told as more than 100 ahead").isEqualTo(101);
    assertThat(last.getBoolean("positionAtLeast")).isTrue();

    JsonObject read = node.api.get("/api/teleconsultations/" + last.getString("id"), care.nurse).json();
    assertThat(read.getInteger("position")).isEqualTo(101);
    assertThat(read.getBoolean("positionAtLeast")).isTrue();
    JsonArray queue = node.api.get("/api/teleconsultations?status=queued", care.geriatrician).array();
    assertThat(queue).hasSize(102);
    JsonObject listed = queue.getJsonObject(101);
    assertThat(listed.getString("id")).isEqualTo(last.getString("id"));
    assertThat(listed.getInteger("position")).as("the list tells it as the read does").isEqualTo(101);
    assertThat(listed.getBoolean("positionAtLeast")).isTrue();
    assertThat(queue.getJsonObject(99).getInteger("position")).isEqualTo(100);
    assertThat(queue.getJsonObject(99).containsKey("positionAtLeast")).isFalse();

    // The urgent one taken: every place moves up, the last one's exactly again.
    assertThat(node.api.post("/api/teleconsultations/" + urgent.getString("id") + "/claim", care.geriatrician, null)
        .status()).isEqualTo(200);
    JsonObject after = node.api.get("/api/teleconsultations/" + last.getString("id"), care.nurse).json();
    assertThat(after.getInteger("position")).isEqualTo(101);
    assertThat(after.getBoolean("positionAtLeast")).as("still 100 ahead of it").isTrue();
    JsonObject wasNext = node.api.get("/api/teleconsultations/" + next.getString("id"), care.nurse).json();
    assertThat(wasNext.getInteger("position")).isEqualTo(100);
    assertThat(wasNext.containsKey("positionAtLeast")).isFalse();
  }

  @Test
  void a_doctor_sees_only_the_queue_of_her_specialties_and_a_nurse_only_her_organisation() {
    care.create(request("geriatrie", "normal"));
    assertThat(node.api.get("/api/teleconsultations?status=queued", care.geriatrician).array()).hasSize(1);
    assertThat(node.api.get("/api/teleconsultations?status=queued", care.cardiologist).array()).isEmpty();
    assertThat(node.api.get("/api/teleconsultations", care.otherNurse).array()).isEmpty();
  }

  @Test
  void a_nurse_of_another_care_home_gets_403() {
    String id = care.create(request("geriatrie", "normal")).getString("id");
    assertThat(node.api.get("/api/teleconsultations/" + id, care.otherNurse).status()).isEqualTo(403);
    assertThat(node.api.post("/api/teleconsultations/" + id + "/cancel", care.otherNurse, null).status()).isEqualTo(403);
    assertThat(node.api.get("/api/teleconsultations/" + id + "/join", care.otherNurse).status()).isEqualTo(403);
    assertThat(node.api.get("/api/teleconsultations/" + id, care.cardiologist).status()).isEqualTo(403);
  }

  @Test
  void one_doctor_takes_it_and_the_next_one_gets_409() {
    String id = care.create(request("medecine_generale", "normal")).getString("id");
    String otherGp = care.token(care.user("mg2@ch.test", "doctor", "Dr Vidal", null, new JsonArray().add("medecine_generale")));
    var taken = node.api.post("/api/teleconsultations/" + id + "/claim", care.generalPractitioner, null);
    assertThat(taken.status()).isEqualTo(200);
    assertThat(taken.json().getString("status")).isEqualTo("assigned");
    assertThat(taken.json().getString("doctorName")).isEqualTo("Dr Planchon");
    var late = node.api.post("/api/teleconsultations/" + id + "/claim", otherGp, null);
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.isProblem()).isTrue();
  }

  @Test
  void fifty_concurrent_claims_of_one_item_make_exactly_one_winner() throws Exception {
    String id = care.create(request("medecine_generale", "urgent")).getString("id");
    List<String> doctors = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      doctors.add(care.token(care.user("gp" + i + "@ch.test", "doctor", "Dr " + i, null, new JsonArray().add("medecine_generale"))));
    }
    var pool = java.util.concurrent.Executors.newFixedThreadPool(50);
    try {
      List<java.util.concurrent.Future<Integer>> claims = new java.util.ArrayList<>();
      for (int i = 0; i < 50; i++) {
        String token = doctors.get(i % doctors.size());
        claims.add(pool.submit(() -> node.api.post("/api/teleconsultations/" + id + "/claim", token, null).status()));
      }
      List<Integer> statuses = new java.util.ArrayList<>();
      for (var claim : claims) {
        statuses.add(claim.get());
      }
      assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
      assertThat(statuses).filteredOn(s -> s != 200).allMatch(s -> s == 409);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void next_takes_the_most_urgent_and_answers_204_when_nothing_waits() {
    care.create(request("geriatrie", "normal"));
    clock.advance(Duration.ofMinutes(1));
    String urgent = care.create(request("geriatrie", "urgent")).getString("id");
    var next = node.api.post("/api/teleconsultations/next", care.geriatrician, null);
    assertThat(next.status()).isEqualTo(200);
    assertThat(next.json().getString("id")).isEqualTo(urgent);
    assertThat(node.api.post("/api/teleconsultations/next", care.cardiologist, null).status()).isEqualTo(204);
  }

  @Test
  void a_doctor_holds_one_open_teleconsultation_at_a_time() {
    String first = care.create(request("geriatrie", "normal")).getString("id");
    String second = care.create(request("geriatrie", "normal")).getString("id");
    assertThat(node.api.post("/api/teleconsultations/" + first + "/claim", care.geriatrician, null).status()).isEqualTo(200);
    var busy = node.api.post("/api/teleconsultations/" + second + "/claim", care.geriatrician, null);
    assertThat(busy.status()).isEqualTo(409);
    assertThat(busy.detail()).contains("already have an open teleconsultation");
  }

  @Test
  void both_sides_get_their_own_way_into_the_same_room() {
    String id = care.create(request("geriatrie", "normal")).getString("id");
    assertThat(node.api.get("/api/teleconsultations/" + id + "/join", care.nurse).status())
        .as("no room before a doctor takes it").isEqualTo(409);
    node.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null);
    JsonObject nurse = node.api.get("/api/teleconsultations/" + id + "/join", care.nurse).json().getJsonObject("jitsi");
    JsonObject doctor = node.api.get("/api/teleconsultations/" + id + "/join", care.geriatrician).json().getJsonObject("jitsi");
    assertThat(nurse.getString("roomName")).isEqualTo(doctor.getString("roomName")).startsWith("cantou-tc-").hasSizeGreaterThan(30);
    assertThat(nurse.getString("domain")).isEqualTo("meet.jit.si");
    assertThat(nurse.getValue("jwt")).as("public Jitsi: no token").isNull();
    assertThat(nurse.getBoolean("moderator")).isFalse();
    assertThat(doctor.getBoolean("moderator")).isTrue();
    assertThat(doctor.getString("displayName")).isEqualTo("Dr Mercier");
    assertThat(node.api.get("/api/teleconsultations/" + id + "/join", care.cardiologist).status()).isEqualTo(403);
  }

  /** A NUL in a report reached the database as a 500 (outside review): free texts refuse control characters with a 400. */
  @Test
  void a_report_or_a_reason_with_a_control_character_is_refused_on_its_field() {
    var badReason = node.api.post("/api/teleconsultations", care.nurse, request("geriatrie", "normal").put("reason", "Chute\u0000"));
    assertThat(badReason.status()).isEqualTo(400);
    assertThat(badReason.detail()).contains("reason");
    String id = care.create(request("geriatrie", "normal")).getString("id");
    node.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null);
    var badReport = node.api.post("/api/teleconsultations/" + id + "/complete", care.geriatrician,
        new JsonObject().put("report", "Vu.\u0000").put("outcome", "advice_given"));
    assertThat(badReport.status()).isEqualTo(400);
    assertThat(badReport.detail()).contains("report");
    assertThat(node.api.post("/api/teleconsultations/" + id + "/complete", care.geriatrician,
        new JsonObject().put("report", "Vu.\nRevoir dans 48 h.").put("outcome", "advice_given")).status()).isEqualTo(200);
  }

  @Test
  void the_doctor_completes_it_with_a_report_and_refused_transitions_are_409() {
    String id = care.create(request("geriatrie", "normal")).getString("id");
    JsonObject report = new JsonObject().put("report", "Soins locaux, pansement hydrocolloïde.").put("outcome", "advice_given");
    assertThat(node.api.post("/api/teleconsultations/" + id + "/complete", care.geriatrician, report).status())
        .as("not assigned to her").isEqualTo(403);
    node.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null);
    assertThat(node.api.post("/api/teleconsultations/" + id + "/cancel", care.nurse, null).status())
        .as("cancel once assigned").isEqualTo(409);
    var done = node.api.post("/api/teleconsultations/" + id + "/complete", care.geriatrician, report);
    assertThat(done.status()).isEqualTo(200);
    assertThat(done.json().getString("status")).isEqualTo("completed");
    assertThat(node.api.get("/api/teleconsultations/" + id, care.nurse).json().getString("report")).contains("hydrocolloïde");
    assertThat(node.api.post("/api/teleconsultations/" + id + "/complete", care.geriatrician, report.copy().put("report", "Autre chose."))
        .status()).as("another report on a completed one").isEqualTo(409);
    assertThat(node.api.post("/api/teleconsultations/" + id + "/release", care.geriatrician, null).status()).isEqualTo(409);
    assertThat(node.api.get("/api/teleconsultations/" + id + "/join", care.nurse).status()).isEqualTo(409);
  }

  /**
   * Her report reached the server and its answer was lost on her Wi-Fi: sent again as it was, it is answered as done
   * (the item, completed), nothing written twice; another report, or another conclusion, on it stays refused.
   */
  @Test
  void a_report_sent_again_after_its_answer_was_lost_is_answered_as_done_and_written_once() {
    String id = care.create(request("geriatrie", "normal")).getString("id");
    node.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null);
    JsonObject report = new JsonObject().put("report", "Hydratation, surveillance de la température 48 h.").put("outcome", "advice_given");
    assertThat(node.api.post("/api/teleconsultations/" + id + "/complete", care.geriatrician, report).status()).isEqualTo(200);

    var again = node.api.post("/api/teleconsultations/" + id + "/complete", care.geriatrician, report);
    assertThat(again.status()).as(again.toString()).isEqualTo(200);
    assertThat(again.json().getString("status")).isEqualTo("completed");
    assertThat(again.json().getString("report")).isEqualTo(report.getString("report"));
    assertThat(node.api.get("/api/teleconsultations/" + id + "/timeline", care.geriatrician).array().stream()
        .map(JsonObject.class::cast).filter(e -> "completed".equals(e.getString("action")))).hasSize(1);
    assertThat(node.api.post("/api/teleconsultations/" + id + "/complete", care.geriatrician, report.copy().put("outcome", "referral"))
        .status()).as("another conclusion").isEqualTo(409);
  }

  @Test
  void a_nurse_cancels_while_it_waits() {
    String id = care.create(request("geriatrie", "normal")).getString("id");
    var cancelled = node.api.post("/api/teleconsultations/" + id + "/cancel", care.nurse, null);
    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.json().getString("status")).isEqualTo("cancelled");
    assertThat(node.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null).status()).isIn(403, 409);
    // Sent again (its answer lost on the way): what is true, nothing written again.
    var again = node.api.post("/api/teleconsultations/" + id + "/cancel", care.nurse, null);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getString("status")).isEqualTo("cancelled");
    assertThat(node.api.get("/api/teleconsultations/" + id + "/timeline", care.nurse).array().stream()
        .map(JsonObject.class::cast).filter(e -> "cancelled".equals(e.getString("action")))).hasSize(1);
  }

  @Test
  void a_cancel_refused_because_a_doctor_took_it_meanwhile_says_it_is_taken() {
    String id = care.create(request("geriatrie", "normal")).getString("id");

    // The doctor's claim is being written when the nurse's cancel arrives: the cancel reads "waiting", then waits.
    var refused = fr.cantou.support.SentTwiceAtOnce.retryAnswer(node, other -> other.preparedQuery(
            "UPDATE teleconsultation SET status = 'assigned', doctor_id = $2, assigned_at = now() WHERE id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(UUID.fromString(id), UUID.fromString(care.geriatricianId))),
        () -> node.api.post("/api/teleconsultations/" + id + "/cancel", care.nurse, null));

    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.detail()).isEqualTo("Only a waiting request can be cancelled; this one is assigned.");
  }

  @Test
  void a_released_request_goes_back_to_its_place() {
    // Four requests a minute apart and an urgent one; the second is taken, then given back.
    String first = care.create(request("geriatrie", "normal")).getString("id");
    clock.advance(Duration.ofMinutes(1));
    String second = care.create(request("geriatrie", "normal")).getString("id");
    clock.advance(Duration.ofMinutes(1));
    String third = care.create(request("geriatrie", "normal")).getString("id");
    clock.advance(Duration.ofMinutes(1));
    assertThat(node.api.post("/api/teleconsultations/" + second + "/claim", care.geriatrician, null).status()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(1));
    String fourth = care.create(request("geriatrie", "normal")).getString("id");
    String urgent = care.create(request("geriatrie", "urgent")).getString("id");
    clock.advance(Duration.ofMinutes(1));

    var back = node.api.post("/api/teleconsultations/" + second + "/release", care.geriatrician, null);
    assertThat(back.status()).isEqualTo(200);
    assertThat(back.json().getString("status")).isEqualTo("queued");
    assertThat(back.json().getInteger("position")).as("after the urgent one and the first, before the later ones")
        .isEqualTo(3);
    JsonArray queue = node.api.get("/api/teleconsultations?status=queued", care.geriatrician).array();
    assertThat(queue.stream().map(i -> ((JsonObject) i).getString("id")).toList())
        .containsExactly(urgent, first, second, third, fourth);
    assertThat(queue.stream().map(i -> ((JsonObject) i).getInteger("position")).toList()).containsExactly(1, 2, 3, 4, 5);
  }

  @Test
  void each_assignment_opens_a_new_room_so_a_doctor_who_gave_it_back_holds_no_way_in() {
    String id = care.create(request("geriatrie", "normal")).getString("id");
    node.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null);
    String first = node.api.get("/api/teleconsultations/" + id + "/join", care.geriatrician).json()
        .getJsonObject("jitsi").getString("roomName");
    node.api.post("/api/teleconsultations/" + id + "/release", care.geriatrician, null);

    String colleague = care.token(care.user("dr.second@ch.test", "doctor", "Dr Second", null, new JsonArray().add("geriatrie")));
    assertThat(node.api.post("/api/teleconsultations/" + id + "/claim", colleague, null).status()).isEqualTo(200);
    String second = node.api.get("/api/teleconsultations/" + id + "/join", colleague).json().getJsonObject("jitsi").getString("roomName");
    assertThat(second).isNotEqualTo(first);
    assertThat(node.api.get("/api/teleconsultations/" + id + "/join", care.nurse).json().getJsonObject("jitsi").getString("roomName"))
        .as("the nurse is sent to the new room").isEqualTo(second);
  }

  /**
   * The race the one read closes: the doctor's join passes its rights check, then (held there by
   * the service's seam) she gives the item back and a colleague takes it, which opens a new
   * room; her join then goes on. It must hand her the room of the item she was checked on — one
   * nobody uses any more — never the colleague's new room.
   */
  @Test
  void a_join_hands_out_the_room_of_the_item_it_checked_not_the_next_doctors() throws Exception {
    String id = care.create(request("geriatrie", "normal")).getString("id");
    node.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null);
    String first = node.api.get("/api/teleconsultations/" + id + "/join", care.geriatrician).json()
        .getJsonObject("jitsi").getString("roomName");
    String colleague = care.token(care.user("dr.race@ch.test", "doctor", "Dr Course", null, new JsonArray().add("geriatrie")));

    CallService service = node.node().teleconsult().calls;
    // Completed by the test, on the join's own context: the join goes on where it stopped.
    java.util.concurrent.CompletableFuture<Runnable> checked = new java.util.concurrent.CompletableFuture<>();
    service.afterJoinChecked(() -> {
      io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
      io.vertx.core.Promise<Void> goOn = io.vertx.core.Promise.promise();
      checked.complete(() -> context.runOnContext(v -> goOn.complete()));
      return goOn.future();
    });
    try {
      var join = java.util.concurrent.CompletableFuture.supplyAsync(
          () -> node.api.get("/api/teleconsultations/" + id + "/join", care.geriatrician));
      Runnable goOn = checked.get(20, java.util.concurrent.TimeUnit.SECONDS);
      service.afterJoinChecked(io.vertx.core.Future::succeededFuture);
      assertThat(node.api.post("/api/teleconsultations/" + id + "/release", care.geriatrician, null).status()).isEqualTo(200);
      assertThat(node.api.post("/api/teleconsultations/" + id + "/claim", colleague, null).status()).isEqualTo(200);
      String second = node.api.get("/api/teleconsultations/" + id + "/join", colleague).json()
          .getJsonObject("jitsi").getString("roomName");
      goOn.run();

      var answer = join.get(20, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(second).isNotEqualTo(first);
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.json().getJsonObject("jitsi").getString("roomName")).as("the room of the item checked").isEqualTo(first);
    } finally {
      service.afterJoinChecked(io.vertx.core.Future::succeededFuture);
    }
  }

  @Test
  void nobody_joining_in_time_sends_it_back_to_the_queue() {
    String id = care.create(request("geriatrie", "normal")).getString("id");
    node.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null);
    clock.advance(Duration.ofMinutes(9));
    TestNode.await(node.node().runJobs());
    assertThat(node.api.get("/api/teleconsultations/" + id, care.nurse).json().getString("status")).isEqualTo("assigned");
    clock.advance(Duration.ofMinutes(2));
    TestNode.await(node.node().runJobs());
    JsonObject item = node.api.get("/api/teleconsultations/" + id, care.nurse).json();
    assertThat(item.getString("status")).isEqualTo("queued");
    assertThat(item.containsKey("doctorId")).isFalse();
    JsonArray timeline = node.api.get("/api/teleconsultations/" + id + "/timeline", care.nurse).array();
    assertThat(timeline.getJsonObject(timeline.size() - 1).getString("action")).isEqualTo("requeued");
  }

  @Test
  void a_request_waiting_too_long_is_escalated_to_the_general_practice_pool() {
    String id = care.create(request("cardiologie", "normal")).getString("id");
    assertThat(node.api.get("/api/teleconsultations?status=queued", care.generalPractitioner).array()).isEmpty();
    clock.advance(Duration.ofMinutes(21));
    TestNode.await(node.node().runJobs());
    JsonObject item = node.api.get("/api/teleconsultations/" + id, care.nurse).json();
    assertThat(item.getBoolean("overdue")).isTrue();
    assertThat(item.getBoolean("escalated")).isTrue();
    assertThat(node.api.get("/api/teleconsultations?status=queued", care.generalPractitioner).array()).hasSize(1);
    assertThat(node.api.post("/api/teleconsultations/" + id + "/claim", care.generalPractitioner, null).status()).isEqualTo(200);
  }

  @Test
  void a_planned_request_enters_the_queue_at_its_time() {
    JsonObject planned = request("geriatrie", "normal").put("plannedAt", clock.instant().plus(Duration.ofHours(2)).toString());
    String id = care.create(planned).getString("id");
    assertThat(node.api.get("/api/teleconsultations?status=queued", care.geriatrician).array()).isEmpty();
    clock.advance(Duration.ofHours(2).plusMinutes(1));
    TestNode.await(node.node().runJobs());
    var queue = node.api.get("/api/teleconsultations?status=queued", care.geriatrician).array();
    assertThat(queue).hasSize(1);
    assertThat(queue.getJsonObject(0).getString("id")).isEqualTo(id);
  }

  @Test
  void the_wait_estimate_uses_available_doctors_and_recent_handling_times() {
    node.api.post("/api/presence", care.geriatrician, new JsonObject().put("status", "available"));
    String done = care.create(request("geriatrie", "normal")).getString("id");
    node.api.post("/api/teleconsultations/" + done + "/claim", care.geriatrician, null);
    clock.advance(Duration.ofMinutes(24));
    node.api.post("/api/teleconsultations/" + done + "/complete", care.geriatrician,
        new JsonObject().put("report", "Vu.").put("outcome", "advice_given"));
    care.create(request("geriatrie", "normal"));
    clock.advance(Duration.ofSeconds(1));
    JsonObject second = care.create(request("geriatrie", "normal"));
    assertThat(second.getInteger("position")).isEqualTo(2);
    assertThat(second.getInteger("availableDoctors")).isEqualTo(1);
    assertThat(second.getInteger("waitEstimateMinutes")).isEqualTo(48);
  }

  @Test
  void every_change_is_in_the_timeline_and_every_read_is_audited() {
    String id = care.create(request("geriatrie", "normal")).getString("id");
    node.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null);
    node.api.get("/api/teleconsultations/" + id, care.nurse);
    JsonArray timeline = node.api.get("/api/teleconsultations/" + id + "/timeline", care.nurse).array();
    assertThat(timeline.stream().map(e -> ((JsonObject) e).getString("action"))).containsExactly("created", "assigned");
    assertThat(timeline.getJsonObject(1).getString("actorName")).isEqualTo("Dr Mercier");
    int reads = TestNode.await(new HealthDataAccessStore().auditCount(node.node().platform().pool(), java.util.UUID.fromString(id)));
    assertThat(reads).isGreaterThanOrEqualTo(3);
  }

  @Test
  void a_claim_and_a_give_back_answered_with_the_item_are_reads_of_health_data() {
    String id = care.create(request("geriatrie", "normal")).getString("id");
    assertThat(node.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null).status()).isEqualTo(200);
    assertThat(doctorsReads(id)).as("the claim's answer").isEqualTo(1);
    assertThat(node.api.post("/api/teleconsultations/" + id + "/release", care.geriatrician, null).status()).isEqualTo(200);
    assertThat(doctorsReads(id)).as("the give-back's answer").isEqualTo(2);
    assertThat(node.api.post("/api/teleconsultations/next", care.geriatrician, null).status()).isEqualTo(200);
    assertThat(doctorsReads(id)).as("the next one's answer").isEqualTo(3);
  }

  /** Rows of health_data_access for the geriatrician's reads of this request (pushes apart). */
  private long doctorsReads(String id) {
    return TestNode.await(node.node().platform().pool()
            .preparedQuery("SELECT count(*) AS n FROM health_data_access WHERE teleconsultation_id = $1 AND user_id = $2 "
                + "AND action = 'read'")
            .execute(io.vertx.sqlclient.Tuple.of(java.util.UUID.fromString(id), java.util.UUID.fromString(care.geriatricianId))))
        .iterator().next().getLong("n");
  }

  @Test
  void only_changes_of_who_is_in_the_room_are_lines_of_the_timeline_and_a_few_a_minute_at_most() {
    String id = care.create(request("geriatrie", "normal")).getString("id");
    assertThat(node.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null).status()).isEqualTo(200);
    JsonObject me = node.api.get("/api/me", care.nurse).json();
    fr.cantou.identity.Principal nurse = new fr.cantou.identity.Principal(java.util.UUID.fromString(me.getString("id")),
        fr.cantou.identity.Role.NURSE, "Nina", java.util.UUID.fromString(care.ehpadId), java.util.Set.of());
    CallService service = node.node().teleconsult().calls;
    java.util.UUID item = java.util.UUID.fromString(id);
    for (int i = 0; i < 5; i++) {
      TestNode.await(service.callEvent(nurse, item, false));
    }
    assertThat(callLines(id)).as("a leave with nobody in is no line").isEmpty();
    for (int i = 0; i < 3; i++) {
      TestNode.await(service.callEvent(nurse, item, true));
    }
    assertThat(callLines(id)).as("a page reloaded in the room").containsExactly("joined");
    for (int i = 0; i < 20; i++) {
      TestNode.await(service.callEvent(nurse, item, i % 2 == 0));
    }
    assertThat(callLines(id)).as("a loop: six a minute").containsExactly("joined", "left", "joined", "left", "joined", "left");
  }

  /** The nurse's side's joins and leaves in the request's timeline. */
  private List<String> callLines(String id) {
    return node.api.get("/api/teleconsultations/" + id + "/timeline", care.nurse).array().stream()
        .map(JsonObject.class::cast).map(e -> e.getString("action"))
        .filter(action -> action.equals("joined") || action.equals("left")).toList();
  }

  @Test
  void the_same_idempotency_key_answers_the_same_request() {
    String sent = request("geriatrie", "normal").encode();
    var first = node.api.send("POST", "/api/teleconsultations", care.nurse, sent,
        Map.of("Content-Type", "application/json", "Idempotency-Key", "retry-key-0001"));
    var again = node.api.send("POST", "/api/teleconsultations", care.nurse, sent,
        Map.of("Content-Type", "application/json", "Idempotency-Key", "retry-key-0001"));
    assertThat(again.json().getString("id")).isEqualTo(first.json().getString("id"));
    assertThat(node.api.get("/api/teleconsultations", care.nurse).array()).hasSize(1);

    // Another request under the same key (urgent, another resident) is refused, not silently dropped.
    JsonObject other = request("geriatrie", "urgent");
    other.getJsonObject("patient").put("reference", "CH-0099");
    var refused = node.api.send("POST", "/api/teleconsultations", care.nurse, other.encode(),
        Map.of("Content-Type", "application/json", "Idempotency-Key", "retry-key-0001", "Accept-Language", "fr"));
    assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
    assertThat(refused.detail()).contains("Idempotency-Key").doesNotContain(first.json().getString("id"));
    assertThat(node.api.get("/api/teleconsultations", care.nurse).array()).hasSize(1);
  }

  /**
   * A retry sent while the first send was still being written (a nurse's tablet that gave up
   * waiting) meets the first's row at the unique index: it answers that request, not a 500.
   */
  @Test
  void the_same_key_sent_twice_at_once_answers_the_request_the_first_made() {
    JsonObject body = request("geriatrie", "normal");
    JsonObject me = node.api.get("/api/me", care.nurse).json();
    JsonObject patient = body.getJsonObject("patient");
    UUID first = UUID.randomUUID();
    SqlConnection other = TestNode.await(node.node().platform().pool().getConnection());
    try {
      Transaction open = TestNode.await(other.begin());
      TestNode.await(new TeleconsultStore().insert(other, first, new TeleconsultStore.NewRequest(
          UUID.fromString(me.getString("organisationId")), UUID.fromString(me.getString("id")), patient.getString("reference"),
          patient.getString("initials"), patient.getInteger("birthYear"), body.getString("reason"), "geriatrie", "normal",
          "patient", null, clock.instant(), true, "cantou-tc-retry", "same-key-0001", "video"), clock.instant()));
      CompletableFuture<fr.cantou.support.Api.Response> retry = CompletableFuture.supplyAsync(() -> node.api.send("POST",
          "/api/teleconsultations", care.nurse, body.encode(),
          Map.of("Content-Type", "application/json", "Idempotency-Key", "same-key-0001")));
      Eventually.until("the retry waits for the first send's row or is answered",
          () -> retry.isDone() || VitalSignsTest.waitsOnALock(node));
      TestNode.await(open.commit());
      fr.cantou.support.Api.Response answered = retry.join();
      assertThat(answered.status()).as(answered.toString()).isIn(200, 201);
      assertThat(answered.json().getString("id")).isEqualTo(first.toString());
    } finally {
      other.close();
    }
    assertThat(node.api.get("/api/teleconsultations", care.nurse).array()).hasSize(1);
  }
}
