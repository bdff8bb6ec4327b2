package fr.cantou.realtime;

import fr.cantou.support.Api;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one role's socket must receive, as its GET answers after each step: the whole item (the
 * same fields) where the GET answers 200; a summary without patient data where it answers 403
 * after a 200 (a teleconsultation gone from the pool); otherwise nothing.
 */
final class WhatGetShows {
  /** What differs from one moment to the next while an item waits: its place in the queue. */
  private static final Set<String> MOVING = Set.of("position", "availableDoctors", "waitEstimateMinutes", "previous");
  private static final String PRESENCE = "presence.changed";

  private final Function<String, Api.Response> get;
  private final List<String> expected = new ArrayList<>();
  private final Map<String, JsonObject> shown = new HashMap<>();
  private final Set<String> seenWhole = new HashSet<>();
  private final List<String> variants = new ArrayList<>();

  /** {@code get}: the role's GET of a path. */
  WhatGetShows(Function<String, Api.Response> get) {
    this.get = get;
  }

  /** After a step that wrote an event of this kind for the item at this path. */
  void after(String kind, String path) {
    String id = path.substring(path.lastIndexOf('/') + 1);
    Api.Response answer = get.apply(path);
    String variant = "none";
    if (answer.status() == 200) {
      variant = "whole";
      shown.put(kind + " " + id, answer.json());
      seenWhole.add(id);
    } else {
      assertThat(answer.status()).as(kind + " GET").isIn(401, 403);
      if (seenWhole.remove(id)) {
        variant = "summary";
      }
    }
    variants.add(variant);
    if (!"none".equals(variant)) {
      expected.add(kind + " " + id + " " + variant);
    }
  }

  /**
   * After a doctor changed her presence: where {@code GET /api/presence} answers 200 (and lists
   * her), her {@code presence.changed} must come with the same fields; otherwise nothing.
   */
  void afterPresence(String doctorId) {
    Api.Response answer = get.apply("/api/presence");
    String variant = "none";
    if (answer.status() == 200) {
      variant = "whole";
      JsonObject listed = answer.array().stream().map(JsonObject.class::cast)
          .filter(p -> doctorId.equals(p.getString("doctorId"))).findFirst().orElseThrow();
      shown.put(PRESENCE + " " + doctorId, listed);
      expected.add(PRESENCE + " " + doctorId + " whole");
    } else {
      assertThat(answer.status()).as("GET /api/presence").isIn(401, 403);
    }
    variants.add(variant);
  }

  /** What the GETs said, step by step ("whole", "summary" or "none"): the rule, spelled out by the test. */
  String variants() {
    return String.join(" ", variants);
  }

  /** The events about these items among those received must be exactly the expected ones, in order. */
  void check(List<JsonObject> received, Set<String> items) {
    List<String> got = new ArrayList<>();
    for (JsonObject event : received) {
      JsonObject data = event.getJsonObject("data");
      String id = PRESENCE.equals(event.getString("kind")) ? data.getString("doctorId") : data.getString("id");
      if (!items.contains(id)) {
        continue;
      }
      String key = event.getString("kind") + " " + id;
      boolean whole = !key.startsWith("teleconsultation.") || data.containsKey("patient");
      got.add(key + (whole ? " whole" : " summary"));
      if (whole && shown.containsKey(key)) {
        assertThat(fields(data)).as(key + ": the fields of the GET").isEqualTo(fields(shown.get(key)));
      } else {
        assertThat(data.fieldNames()).as(key + ": a summary").containsExactlyInAnyOrder("id", "status", "specialty", "urgency");
      }
    }
    assertThat(got).isEqualTo(expected);
  }

  /** The events received until the marker (excluded): what came before an event that had to come last. */
  static List<JsonObject> eventsBefore(WsClient socket, Predicate<JsonObject> marker) {
    List<JsonObject> received = new ArrayList<>();
    socket.next(m -> {
      boolean last = marker.test(m);
      if (!last && "event".equals(m.getString("type"))) {
        received.add(m);
      }
      return last;
    });
    return received;
  }

  /** The events received until the server closed the socket: what came before a close that had to come last. */
  static List<JsonObject> eventsUntilClosed(WsClient socket, Runnable closing) {
    closing.run();
    socket.awaitClose();
    return socket.drain(java.time.Duration.ZERO).stream().filter(m -> "event".equals(m.getString("type"))).toList();
  }

  /** Presence is for the care side (every nurse and doctor): a doctor switching hers makes a marker for them. */
  static Predicate<JsonObject> presenceChanged(Api api, String doctorToken, String doctorId) {
    String next = switchPresence(api, doctorToken, doctorId);
    return m -> PRESENCE.equals(m.getString("kind"))
        && doctorId.equals(m.getJsonObject("data").getString("doctorId"))
        && next.equals(m.getJsonObject("data").getString("status"));
  }

  /** Switches the doctor between available and busy; the status she now has. */
  static String switchPresence(Api api, String doctorToken, String doctorId) {
    String current = api.get("/api/presence", doctorToken).array().stream().map(JsonObject.class::cast)
        .filter(p -> doctorId.equals(p.getString("doctorId"))).map(p -> p.getString("status"))
        .findFirst().orElse("offline");
    String next = "available".equals(current) ? "busy" : "available";
    assertThat(api.post("/api/presence", doctorToken, new JsonObject().put("status", next)).status()).isEqualTo(200);
    return next;
  }

  private static Set<String> fields(JsonObject item) {
    Set<String> names = new HashSet<>(item == null ? Set.of() : item.fieldNames());
    names.removeAll(MOVING);
    return names;
  }
}
