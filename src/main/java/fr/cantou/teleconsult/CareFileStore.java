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
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * SQL of the photos and documents of a request (V53): one row a file (its metadata), its bytes in
 * chunks of {@link #CHUNK_BYTES}, written in the transaction that adds the file and read back one
 * chunk per statement. Erased with the item's patient data ({@code erase_care_data()}), or one by one when the
 * nurse withdraws a file ({@link #withdraw}).
 */
public final class CareFileStore {
  /** The size of a stored chunk: what one statement writes or reads of a file. */
  static final int CHUNK_BYTES = 256 * 1024;

  /** The item's files, in the order she added them, as one JSON column of the item's query ({@code t} the teleconsultation). */
  static final String OF_ITEM = """
      (SELECT json_agg(json_build_object('id', f.id, 'position', f.position, 'name', f.name, 'mediaType', f.media_type,
                 'size', f.size_bytes, 'addedAt', f.added_at, 'addedBy', f.added_side, 'addedByName', a.display_name)
                 ORDER BY f.position)
       FROM care_file f JOIN app_user a ON a.id = f.added_by
       WHERE f.teleconsultation_id = t.id AND f.position IS NOT NULL) AS files
      """;

  /** What the schema refuses: the nurse's Idempotency-Key added a file already (V92; a retry sent at once). */
  enum Refusal { KEY_USED }

  /** A file as stored, before its bytes are read: for the rights check and the answer's headers. */
  public record Stored(UUID id, UUID teleconsultationId, int position, String name, String mediaType, long size, int chunks,
                       Instant addedAt) {}

  /** A file's row, written (with no position: unseen) before its chunks. */
  record NewFile(UUID id, UUID teleconsultationId, String name, String mediaType, long size, int chunks, String sha256,
                 UUID addedBy, String side, Instant at) {}

  /**
   * Locks the item while it is open (queued, assigned or in call, its patient data not erased)
   * and answers how many files it holds; empty when it is not open. In the transaction adding a
   * file, so that two files added at once never pass the limit, and none lands after the close.
   */
  Future<Optional<Integer>> lockOpen(SqlClient tx, UUID item) {
    return tx.preparedQuery(TeleconsultStore.LOCK_OPEN)
        .execute(Tuple.of(item, new String[] {"queued", "assigned", "in_call"}, null))
        .compose(open -> open.rowCount() == 0 ? Future.succeededFuture(Optional.<Integer>empty()) : count(tx, item).map(Optional::of));
  }

  Future<Integer> count(SqlClient db, UUID item) {
    return db.preparedQuery("SELECT count(*) AS n FROM care_file WHERE teleconsultation_id = $1 AND position IS NOT NULL")
        .execute(Tuple.of(item)).map(rows -> rows.iterator().next().getLong("n").intValue());
  }

  /** The file's row without a position: staged, seen by nobody until {@link #add} gives it one. */
  Future<Void> stage(SqlClient db, NewFile file) {
    return db.preparedQuery("""
            INSERT INTO care_file (id, teleconsultation_id, position, name, media_type, size_bytes, chunks, sha256,
                                   added_at, added_by, added_side)
            VALUES ($1, $2, NULL, $3, $4, $5, $6, $7, $8, $9, $10)""")
        .execute(Tuple.from(List.of(file.id(), file.teleconsultationId(), file.name(), file.mediaType(), file.size(),
            file.chunks(), file.sha256(), TeleconsultStore.utc(file.at()), file.addedBy(), file.side())))
        .mapEmpty();
  }

  /**
   * The staged file added to its item, numbered after the item's others, withdrawn ones included (their timeline
   * lines keep their numbers): "photo 2" in the exchange or the report never names two pictures. The item is locked:
   * {@link #lockOpen}.
   */
  Future<Void> add(SqlClient tx, UUID item, UUID file, Idempotent sent) {
    return tx.preparedQuery("""
            UPDATE care_file SET position = 1 + greatest(
                (SELECT coalesce(max(position), 0) FROM care_file WHERE teleconsultation_id = $1 AND position IS NOT NULL),
                (SELECT coalesce(max((detail->>'position')::int), 0) FROM teleconsultation_timeline
                 WHERE teleconsultation_id = $1 AND action = 'file_withdrawn')),
              idempotency_key = $3, idempotency_fingerprint = $4
            WHERE id = $2 AND teleconsultation_id = $1 AND position IS NULL""")
        .execute(Tuple.of(item, file, sent == null ? null : sent.key(),
            sent == null ? null : Buffer.buffer(sent.fingerprint())))
        .recover(DatabaseErrors.refusals(new Rule(Violation.UNIQUE, "idempotency_key", Refusal.KEY_USED)))
        .compose(rows -> rows.rowCount() == 1 ? Future.succeededFuture()
            : Future.failedFuture(new IllegalStateException("the staged file " + file + " is gone")));
  }

  /** The item to which the nurse's Idempotency-Key added a file, and the fingerprint of that request. */
  Future<Optional<Idempotent.Made<UUID>>> byIdempotencyKey(SqlClient db, UUID nurse, String key) {
    return db.preparedQuery("SELECT teleconsultation_id, idempotency_fingerprint FROM care_file WHERE added_by = $1 "
            + "AND idempotency_key = $2")
        .execute(Tuple.of(nurse, key))
        .map(rows -> Rows.first(rows).map(r -> new Idempotent.Made<>(r.getUUID("teleconsultation_id"),
            Rows.bytes(r, "idempotency_fingerprint"))));
  }

  /** A staged file that will not be added, with its chunks. */
  Future<Void> dropStaged(SqlClient db, UUID file) {
    return db.preparedQuery("DELETE FROM care_file WHERE id = $1 AND position IS NULL").execute(Tuple.of(file)).mapEmpty();
  }

  /** Staged files older than {@code before}: left by a node that stopped while storing them. */
  Future<Integer> purgeStaged(SqlClient db, Instant before) {
    return db.preparedQuery("DELETE FROM care_file WHERE position IS NULL AND added_at < $1")
        .execute(Tuple.of(TeleconsultStore.utc(before))).map(rows -> rows.rowCount());
  }

  Future<Void> insertChunk(SqlClient tx, UUID file, int seq, Buffer data) {
    return tx.preparedQuery("INSERT INTO care_file_chunk (file_id, seq, data) VALUES ($1, $2, $3)")
        .execute(Tuple.of(file, seq, data)).mapEmpty();
  }

  /** The file {@code id} of the item {@code item}; empty when the item has no such file (or no longer). */
  Future<Optional<Stored>> find(SqlClient db, UUID item, UUID id) {
    return db.preparedQuery("""
            SELECT id, teleconsultation_id, position, name, media_type, size_bytes, chunks, added_at
            FROM care_file WHERE id = $1 AND teleconsultation_id = $2 AND position IS NOT NULL""")
        .execute(Tuple.of(id, item))
        .map(rows -> rows.rowCount() == 0 ? Optional.empty() : Optional.of(stored(rows.iterator().next())));
  }

  /**
   * Withdraws the file {@code id} from its item (which the caller holds locked open: {@link #lockOpen}): its row goes,
   * and its chunks with it (ON DELETE CASCADE, the same statement). What it was; empty when the item holds no such
   * file (withdrawn already, another item's, or still staged).
   */
  Future<Optional<Stored>> withdraw(SqlClient tx, UUID item, UUID id) {
    return tx.preparedQuery("""
            DELETE FROM care_file WHERE id = $1 AND teleconsultation_id = $2 AND position IS NOT NULL
            RETURNING id, teleconsultation_id, position, name, media_type, size_bytes, chunks, added_at""")
        .execute(Tuple.of(id, item))
        .map(rows -> rows.rowCount() == 0 ? Optional.empty() : Optional.of(stored(rows.iterator().next())));
  }

  /** One chunk's bytes; empty when the file went meanwhile (erased or withdrawn). */
  Future<Optional<Buffer>> chunk(SqlClient db, UUID file, int seq) {
    return db.preparedQuery("SELECT data FROM care_file_chunk WHERE file_id = $1 AND seq = $2")
        .execute(Tuple.of(file, seq))
        .map(rows -> rows.rowCount() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getBuffer("data")));
  }

  /** How many files and chunks the database holds for an item (tests: nothing half-stored). */
  public Future<long[]> held(SqlClient db, UUID item) {
    return db.preparedQuery("""
            SELECT (SELECT count(*) FROM care_file WHERE teleconsultation_id = $1) AS files,
                   (SELECT count(*) FROM care_file_chunk c JOIN care_file f ON f.id = c.file_id
                    WHERE f.teleconsultation_id = $1) AS chunks""")
        .execute(Tuple.of(item))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new long[] {r.getLong("files"), r.getLong("chunks")};
        });
  }

  private static Stored stored(Row r) {
    return new Stored(r.getUUID("id"), r.getUUID("teleconsultation_id"), r.getInteger("position"), r.getString("name"),
        r.getString("media_type"), r.getLong("size_bytes"), r.getInteger("chunks"), r.getOffsetDateTime("added_at").toInstant());
  }

  /** The {@link #OF_ITEM} column as records; an empty list when she added none. */
  static List<Teleconsultation.CareFile> read(Object column) {
    if (!(column instanceof JsonArray files)) {
      return List.of();
    }
    return files.stream().map(JsonObject.class::cast).map(f -> new Teleconsultation.CareFile(f.getString("id"),
        f.getInteger("position"), f.getString("name"), f.getString("mediaType"), f.getLong("size"),
        OffsetDateTime.parse(f.getString("addedAt")).toInstant(), f.getString("addedBy"), f.getString("addedByName")))
        .toList();
  }
}
