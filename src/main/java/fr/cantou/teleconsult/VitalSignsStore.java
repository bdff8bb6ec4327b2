package fr.cantou.teleconsult;

import fr.cantou.platform.db.DatabaseErrors;
import fr.cantou.platform.db.DatabaseErrors.Rule;
import fr.cantou.platform.db.DatabaseErrors.Violation;
import fr.cantou.platform.db.Rows;
import fr.cantou.platform.http.Idempotent;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The vital signs of teleconsultations (V51): written one set at a time, read with their item. */
public final class VitalSignsStore {
  /** At most this many sets an item: a request is one episode of care, not a chart. */
  static final int MOST_SETS = 20;

  /** What the schema refuses: the nurse's Idempotency-Key recorded a set already (V85; a retry sent at once). */
  public enum Refusal { KEY_USED }

  /**
   * The item's sets, oldest measure first, as one JSON column of the item's query ({@code t}
   * the teleconsultation): no second round trip for a list of items.
   */
  static final String OF_ITEM = """
      (SELECT json_agg(json_build_object('measuredAt', v.measured_at, 'systolic', v.systolic_mmhg,
                 'diastolic', v.diastolic_mmhg, 'pulse', v.pulse_bpm, 'temperature', v.temperature_c,
                 'spo2', v.spo2_percent, 'glycaemia', v.glycaemia_g_l, 'weight', v.weight_kg, 'pain', v.pain_score,
                 'recordedAt', v.recorded_at, 'recordedBy', r.display_name) ORDER BY v.measured_at, v.id)
       FROM vital_signs v JOIN app_user r ON r.id = v.recorded_by
       WHERE v.teleconsultation_id = t.id) AS vital_signs
      """;

  /**
   * Adds a set to an open item (queued, assigned or in call) holding fewer than {@link #MOST_SETS};
   * false when it is closed or full, which the caller tells apart by reading the item. In a
   * transaction: the item is locked first ({@link TeleconsultStore#LOCK_OPEN}), so that two nurses
   * adding at once never pass the limit together. With its Idempotency-Key ({@code sent}, or null),
   * kept with it: the nurse's key used already fails as {@link Refusal#KEY_USED}.
   */
  public Future<Boolean> add(SqlClient tx, UUID item, VitalSigns.Measured signs, Instant measuredAt, UUID nurse,
                             Instant now, Idempotent sent) {
    return tx.preparedQuery(TeleconsultStore.LOCK_OPEN)
        .execute(Tuple.of(item, new String[] {"queued", "assigned", "in_call"}, null))
        .compose(open -> open.rowCount() == 0 ? Future.succeededFuture(false)
            : insert(tx, item, signs, measuredAt, nurse, now, sent));
  }

  private Future<Boolean> insert(SqlClient tx, UUID item, VitalSigns.Measured signs, Instant measuredAt, UUID nurse,
                                 Instant now, Idempotent sent) {
    VitalSigns.BloodPressure pressure = signs.bloodPressure();
    return tx.preparedQuery("""
            INSERT INTO vital_signs (teleconsultation_id, measured_at, recorded_at, recorded_by, systolic_mmhg,
                                     diastolic_mmhg, pulse_bpm, temperature_c, spo2_percent, glycaemia_g_l,
                                     weight_kg, pain_score, idempotency_key, idempotency_fingerprint)
            SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $14, $15
            WHERE (SELECT count(*) FROM vital_signs v WHERE v.teleconsultation_id = $1) < $13""")
        .execute(Tuple.from(new Object[] {item, TeleconsultStore.utc(measuredAt), TeleconsultStore.utc(now), nurse,
            pressure == null ? null : pressure.systolic().shortValue(),
            pressure == null ? null : pressure.diastolic().shortValue(),
            small(signs.pulse()), signs.temperature(), small(signs.spo2()), signs.glycaemia(), signs.weight(),
            small(signs.pain()), MOST_SETS, sent == null ? null : sent.key(),
            sent == null ? null : Buffer.buffer(sent.fingerprint())}))
        .map(rows -> rows.rowCount() == 1)
        .recover(DatabaseErrors.refusals(new Rule(Violation.UNIQUE, "idempotency_key", Refusal.KEY_USED)));
  }

  /** The item to which the nurse's Idempotency-Key added a set, and the fingerprint of that request. */
  public Future<Optional<Idempotent.Made<UUID>>> byIdempotencyKey(SqlClient db, UUID nurse, String key) {
    return db.preparedQuery("SELECT teleconsultation_id, idempotency_fingerprint FROM vital_signs WHERE recorded_by = $1 "
            + "AND idempotency_key = $2")
        .execute(Tuple.of(nurse, key))
        .map(rows -> Rows.first(rows).map(r -> new Idempotent.Made<>(r.getUUID("teleconsultation_id"),
            Rows.bytes(r, "idempotency_fingerprint"))));
  }

  /** How many sets an item holds (to say why one more was refused). */
  public Future<Integer> count(SqlClient db, UUID item) {
    return db.preparedQuery("SELECT count(*) AS n FROM vital_signs WHERE teleconsultation_id = $1")
        .execute(Tuple.of(item)).map(rows -> rows.iterator().next().getLong("n").intValue());
  }

  private static Short small(Integer value) {
    return value == null ? null : value.shortValue();
  }

  /** The {@link #OF_ITEM} column as records; an empty list when none was taken. */
  static List<VitalSigns> read(Object column) {
    if (!(column instanceof JsonArray sets)) {
      return List.of();
    }
    return sets.stream().map(JsonObject.class::cast).map(VitalSignsStore::set).toList();
  }

  private static VitalSigns set(JsonObject v) {
    Integer systolic = v.getInteger("systolic");
    return new VitalSigns(instant(v.getString("measuredAt")),
        systolic == null ? null : new VitalSigns.BloodPressure(systolic, v.getInteger("diastolic")),
        v.getInteger("pulse"), decimal(v.getValue("temperature")), v.getInteger("spo2"), decimal(v.getValue("glycaemia")),
        decimal(v.getValue("weight")), v.getInteger("pain"), instant(v.getString("recordedAt")), v.getString("recordedBy"));
  }

  private static Instant instant(String value) {
    return value == null ? null : OffsetDateTime.parse(value).toInstant();
  }

  private static BigDecimal decimal(Object value) {
    return value == null ? null : new BigDecimal(value.toString());
  }
}
