package fr.cantou.platform.db;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/** Small helpers every store uses to read rows. */
public final class Rows {
  private Rows() {}

  public static Optional<Row> first(RowSet<Row> rows) {
    var it = rows.iterator();
    return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
  }

  public static <T> List<T> map(RowSet<Row> rows, Function<Row, T> mapper) {
    List<T> out = new ArrayList<>(rows.rowCount());
    rows.forEach(r -> out.add(mapper.apply(r)));
    return out;
  }

  public static Instant instant(Row r, String column) {
    OffsetDateTime value = r.getOffsetDateTime(column);
    return value == null ? null : value.toInstant();
  }

  public static List<String> strings(Row r, String column) {
    String[] values = r.getArrayOfStrings(column);
    return values == null ? List.of() : List.of(values);
  }

  /** A bytea column's bytes (null for NULL). */
  public static byte[] bytes(Row r, String column) {
    io.vertx.core.buffer.Buffer value = r.getBuffer(column);
    return value == null ? null : value.getBytes();
  }

  public static String id(Row r, String column) {
    UUID value = r.getUUID(column);
    return value == null ? null : value.toString();
  }
}
