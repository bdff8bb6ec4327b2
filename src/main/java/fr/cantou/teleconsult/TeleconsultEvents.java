package fr.cantou.teleconsult;

import fr.cantou.platform.json.Json;
import fr.cantou.realtime.Audience;
import fr.cantou.realtime.EventOutbox;
import fr.cantou.realtime.EventRecord;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

/**
 * Who hears what, as {@link TeleconsultVisibility} says: the whole item to whoever may GET it
 * now; when it leaves the queue, only a summary to the pool of doctors who could have taken it.
 */
public final class TeleconsultEvents {
  /** The kinds of the teleconsultations' events (docs/realtime.md); each carries the item, or its summary for the pool. */
  static final String QUEUED = "teleconsultation.queued";
  static final String ASSIGNED = "teleconsultation.assigned";
  static final String REQUEUED = "teleconsultation.requeued";
  static final String ESCALATED = "teleconsultation.escalated";
  static final String CALL = "teleconsultation.call";
  static final String IN_CALL = "teleconsultation.in_call";
  static final String COMPLETED = "teleconsultation.completed";
  static final String CANCELLED = "teleconsultation.cancelled";
  /** The nurse added what the doctor reads (vital signs): the item, its status unchanged. */
  static final String UPDATED = "teleconsultation.updated";
  /** Nurse or doctor wrote on the item (the written exchange): the item with its messages. */
  static final String MESSAGE = "teleconsultation.message";
  /** A doctor's presence ({@link PresenceService}), to the whole care side. */
  static final String PRESENCE_CHANGED = "presence.changed";

  private final EventOutbox outbox;

  public TeleconsultEvents(EventOutbox outbox) {
    this.outbox = outbox;
  }

  /** The event of a change: an item that leaves the queue (assigned, cancelled) tells the pool only that it is gone. */
  Future<Void> publish(SqlClient tx, String kind, Teleconsultation item) {
    return ASSIGNED.equals(kind) || CANCELLED.equals(kind) ? leftQueue(tx, kind, item) : changed(tx, kind, item);
  }

  /** Any change: the whole item to those who may see it now. */
  private Future<Void> changed(SqlClient tx, String kind, Teleconsultation item) {
    return outbox.appendValue(tx, kind, TeleconsultVisibility.of(item).full(), item).mapEmpty();
  }

  /** For an item that leaves the queue (assigned, cancelled): the pool learns only that it is gone. */
  private Future<Void> leftQueue(SqlClient tx, String kind, Teleconsultation item) {
    Audience pool = TeleconsultVisibility.of(item).summary();
    if (pool.isEmpty()) {
      return changed(tx, kind, item);
    }
    JsonObject summary = new JsonObject().put("id", item.id()).put("status", item.status())
        .put("specialty", item.specialty()).put("urgency", item.urgency());
    return outbox.append(tx, kind, pool, summary).compose(id -> changed(tx, kind, item));
  }

  /**
   * A file withdrawn from an item leaves the item's earlier events too: its name may name another resident (why it was
   * withdrawn), and a socket resuming from before would read it again. Events written since the file was added only; an
   * hour before it, for clocks of nodes and database that disagree.
   */
  Future<Void> forgetFile(SqlClient tx, java.util.UUID item, java.util.UUID file, java.time.Instant addedAt) {
    return outbox.dropFromList(tx, "teleconsultation.", item, "files", file.toString(),
        addedAt.minus(java.time.Duration.ofHours(1))).mapEmpty();
  }

  /**
   * Whether an event carries a whole teleconsultation: every one of this feature's but the pool's
   * summary of an item gone from the queue, which never names the item's organisation.
   */
  static boolean carriesWholeItem(EventRecord event) {
    return event.kind().startsWith("teleconsultation.") && event.data().containsKey("organisationId");
  }

  /** An item as an event carries it, for a snapshot's list. */
  static JsonObject data(Object value) {
    return new JsonObject(Json.encode(value));
  }
}
