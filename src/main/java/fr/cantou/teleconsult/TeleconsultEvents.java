package fr.cantou.teleconsult;

import fr.cantou.platform.Json;
import fr.cantou.realtime.Audience;
import fr.cantou.realtime.EventOutbox;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * Who hears what. The organisation and the assigned doctor get the whole item; the pool of
 * doctors who could take it gets it while it waits, and only a summary once it has left the
 * queue (no report, no patient data for doctors who are not treating).
 */
public final class TeleconsultEvents {
  private final EventOutbox outbox;

  public TeleconsultEvents(EventOutbox outbox) {
    this.outbox = outbox;
  }

  /** For an item that waits in the queue (created, requeued, escalated, announced). */
  Future<Void> waiting(SqlClient tx, String kind, Teleconsultation item) {
    return outbox.append(tx, kind, holders(item).andSpecialties(pool(item)).andUser(id(item.preferredDoctorId())),
        data(item)).mapEmpty();
  }

  /** For an item that leaves the queue (assigned, cancelled): the pool learns only that it is gone. */
  Future<Void> leftQueue(SqlClient tx, String kind, Teleconsultation item) {
    JsonObject summary = new JsonObject().put("id", item.id()).put("status", item.status())
        .put("specialty", item.specialty()).put("urgency", item.urgency());
    Audience pool = Audience.none().andSpecialties(pool(item)).andUser(id(item.preferredDoctorId()));
    // The summary goes first, so that the assigned doctor (also in the pool) ends with the whole item.
    return outbox.append(tx, kind, pool, summary)
        .compose(id -> outbox.append(tx, kind, holders(item), data(item)))
        .mapEmpty();
  }

  /** For what only the nurse's organisation and the doctor may know (call, report). */
  Future<Void> held(SqlClient tx, String kind, Teleconsultation item) {
    return outbox.append(tx, kind, holders(item), data(item)).mapEmpty();
  }

  private static Audience holders(Teleconsultation item) {
    return Audience.organisation(UUID.fromString(item.organisationId())).andUser(id(item.doctorId()));
  }

  static Set<String> pool(Teleconsultation item) {
    Set<String> pool = new HashSet<>();
    pool.add(item.specialty());
    if (item.escalated()) {
      pool.add(Status.GENERAL_PRACTICE);
    }
    return pool;
  }

  private static UUID id(String value) {
    return value == null ? null : UUID.fromString(value);
  }

  static JsonObject data(Object value) {
    return new JsonObject(Json.encode(value));
  }
}
