package fr.cantou.realtime;

import fr.cantou.support.CareNodeTest;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A resuming socket is shown what HTTP shows now, not what the events showed when they were
 * written: a request another doctor has taken since left the pool, so a doctor of its specialty
 * resuming from before it (offline meanwhile, or her account made since) gets only the summary
 * saying it is gone, never the whole item that her GET now refuses. Those who may still GET it
 * get every event of it again, whole.
 */
class ReplayRightsTest extends CareNodeTest {
  @Test
  void a_doctor_of_the_pool_resuming_after_the_request_was_taken_gets_only_its_summary() {
    long before;
    String id;
    try (WsClient nurse = WsClient.hello(node.port(), care.nurse, null)) {
      id = care.create(request("geriatrie", "normal")).getString("id");
      before = nurse.nextEvent("teleconsultation.queued").getLong("id") - 1;
    }
    assertThat(node.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null).status()).isEqualTo(200);
    String latecomerId = care.user("late@ch.test", "doctor", "Dr Tardieu", null, new JsonArray().add("geriatrie"));
    String latecomer = care.token(latecomerId);
    assertThat(node.api.get("/api/teleconsultations/" + id, latecomer).status()).as("her GET").isEqualTo(403);

    try (WsClient resumed = WsClient.hello(node.port(), latecomer, before)) {
      List<JsonObject> replayed = ofItem(resumed, id);
      assertThat(replayed).extracting(e -> e.getString("kind")).containsExactly("teleconsultation.assigned");
      assertThat(replayed.get(0).getJsonObject("data").containsKey("patient")).as("a summary").isFalse();
    }
    try (WsClient taker = WsClient.hello(node.port(), care.geriatrician, before)) {
      List<JsonObject> replayed = ofItem(taker, id);
      assertThat(replayed).extracting(e -> e.getString("kind"))
          .containsExactly("teleconsultation.queued", "teleconsultation.assigned");
      assertThat(replayed).allMatch(e -> e.getJsonObject("data").containsKey("patient"), "whole");
    }
  }

  /** An event whose item id names no item (never written so by Cantou) is withheld; the resume goes on, not refused for ever. */
  @Test
  void an_event_whose_item_id_is_no_uuid_is_withheld_and_the_resume_goes_on() {
    long before;
    try (WsClient first = WsClient.hello(node.port(), care.nurse, null)) {
      before = first.next(m -> "snapshot".equals(m.getString("type"))).getLong("lastEventId");
    }
    RawEvents.forNurses(node, "teleconsultation.updated", "'" + new JsonObject().put("id", "not-a-uuid")
        .put("organisationId", care.ehpadId).put("patient", new JsonObject().put("initials", "MD")).encode() + "'::jsonb", 1);
    String id = care.create(request("geriatrie", "normal")).getString("id");

    try (WsClient resumed = WsClient.hello(node.port(), care.nurse, before)) {
      assertThat(ofItem(resumed, id)).extracting(e -> e.getString("kind")).containsExactly("teleconsultation.queued");
    }
  }

  /** The events of the item the socket got before a later one it must get (the geriatrician's presence, told to the care side). */
  private List<JsonObject> ofItem(WsClient socket, String id) {
    return WhatGetShows.eventsBefore(socket, WhatGetShows.presenceChanged(node.api, care.geriatrician, care.geriatricianId))
        .stream()
        .filter(e -> id.equals(e.getJsonObject("data").getString("id"))).toList();
  }
}
