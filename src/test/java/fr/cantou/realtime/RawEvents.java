package fr.cantou.realtime;

import fr.cantou.support.TestNode;

/** Events written straight into the outbox, as no feature of Cantou would write them (many, or odd). */
final class RawEvents {
  private RawEvents() {}

  /** {@code count} events of {@code kind} for every nurse, each one's data the SQL {@code data} (of {@code g}, 1 to count). */
  static void forNurses(TestNode node, String kind, String data, int count) {
    TestNode.await(node.node().platform().pool().query("""
        INSERT INTO event (kind, data, organisation_roles, user_ids, specialties, appointment_id, roles, except_user_ids,
                           device_ids)
        SELECT '%s', %s, '{}', '{}', '{}', NULL, '{nurse}', '{}', '{}' FROM generate_series(1, %d) g"""
        .formatted(kind, data, count)).execute());
  }

  /**
   * One event of {@code kind} for every user of the {@code roles}, with the id {@code id} (null: the next position as
   * any event's): as an asynchronous replica promoted after a failover gives again ids the old primary gave.
   */
  static void forRoles(TestNode node, Long id, String kind, String... roles) {
    TestNode.await(node.node().platform().pool().preparedQuery("""
        INSERT INTO event (id, kind, data, organisation_roles, user_ids, specialties, appointment_id, roles, except_user_ids,
                           device_ids)
        VALUES (COALESCE($1, event_position()), $2, '{}', '{}', '{}', '{}', NULL, $3, '{}', '{}')""")
        .execute(io.vertx.sqlclient.Tuple.from(new Object[] {id, kind, roles})));
  }
}
