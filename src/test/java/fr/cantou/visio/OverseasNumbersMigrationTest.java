package fr.cantou.visio;

import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.platform.db.Migrations;
import fr.cantou.support.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V78 (and V91, for Saint-Pierre-et-Miquelon): the overseas departments' numbers stored before their own country code was used are written the new way, and the
 * waiting list's keys made from them again, so that the same person stays one person — and a database where she already
 * holds two places under the two forms still migrates (the node would not start otherwise).
 */
class OverseasNumbersMigrationTest {

  @Test
  void numbers_and_keys_stored_before_v78_are_read_as_the_same_people_after_it() throws Exception {
    // As the code before V78 wrote them: the key is the hash of its international form of the number.
    Map<String, String[]> places = new LinkedHashMap<>();
    places.put("typed +262", new String[] {"11", "+262692123456", null, "+262692123456"});
    places.put("typed 06 92", new String[] {"11", "06 92 11 11 11", null, "+33692111111"});
    places.put("twice, national", new String[] {"12", "06 93 22 22 22", null, "+33693222222"});
    places.put("twice, +262", new String[] {"12", "+262693222222", null, "+262693222222"});
    places.put("mainland", new String[] {"11", "06 39 98 12 34", null, "+33639981234"});
    places.put("with an e-mail", new String[] {"11", "06 94 33 33 33", "odile@example.fr", null});
    Map<String, String[]> after = migratedFrom("77", places);

    // Written the French way; the key is the one a new request for the same number makes.
    assertThat(after.get("100")).containsExactly("06 92 12 34 56", contactKey("06 92 12 34 56"));
    assertThat(after.get("101")).containsExactly("06 92 11 11 11", contactKey("06 92 11 11 11"));
    // Held twice under the two forms: one keeps its old key (the unique index would refuse the second), both are legible.
    assertThat(after.get("102")).containsExactly("06 93 22 22 22", key("+33693222222"));
    assertThat(after.get("103")).containsExactly("06 93 22 22 22", contactKey("06 93 22 22 22"));
    assertThat(after.get("104")).containsExactly("06 39 98 12 34", key("+33639981234"));
    assertThat(after.get("105")).containsExactly("06 94 33 33 33", "email-key-5");
  }

  /**
   * V91: Saint-Pierre-et-Miquelon's the same way: "05 08 55 12 34" was keyed under +33 5 08…, "+508 55 12 34" kept as
   * typed; both are the number +508 55 12 34 now, written "05 08 55 12 34".
   */
  @Test
  void numbers_and_keys_of_saint_pierre_et_miquelon_stored_before_v91_are_read_as_the_same_people_after_it() throws Exception {
    Map<String, String[]> places = new LinkedHashMap<>();
    places.put("typed +508", new String[] {"11", "+508551234", null, "+508551234"});
    places.put("typed 05 08", new String[] {"11", "05 08 55 11 11", null, "+33508551111"});
    places.put("twice, national", new String[] {"12", "05 08 55 22 22", null, "+33508552222"});
    places.put("twice, +508", new String[] {"12", "+508552222", null, "+508552222"});
    places.put("mainland", new String[] {"11", "05 55 12 34 56", null, "+33555123456"});
    places.put("with an e-mail", new String[] {"11", "+508553333", "odile@example.fr", null});
    places.put("typed +508 0", new String[] {"12", "+5080554444", null, "+5080554444"});
    Map<String, String[]> after = migratedFrom("90", places);

    assertThat(after.get("100")).containsExactly("05 08 55 12 34", contactKey("05 08 55 12 34"));
    assertThat(after.get("101")).containsExactly("05 08 55 11 11", contactKey("05 08 55 11 11"));
    assertThat(after.get("102")).containsExactly("05 08 55 22 22", key("+33508552222"));
    assertThat(after.get("103")).containsExactly("05 08 55 22 22", contactKey("05 08 55 22 22"));
    assertThat(after.get("104")).containsExactly("05 55 12 34 56", key("+33555123456"));
    assertThat(after.get("105")).containsExactly("05 08 55 33 33", "email-key-5");
    assertThat(after.get("106")).as("kept with the 0 after +508 before").containsExactly("05 08 55 44 44",
        contactKey("05 08 55 44 44"));
    assertThat(contactKey("05 08 55 12 34")).as("the key a new request makes").isEqualTo(key("+508551234"));
  }

  /**
   * The waiting places given ({service "11" or "12", phone, e-mail, the international form its key was made from}),
   * stored in a database migrated up to {@code target}, then the node's migrations run: each place's phone and key
   * after, by the end of its id ("100", "101"…).
   */
  private static Map<String, String[]> migratedFrom(String target, Map<String, String[]> places) throws Exception {
    DatabaseEndpoint database = TestDatabase.server().createIfMissing("cantou_before_v" + (Integer.parseInt(target) + 1));
    Flyway.configure().dataSource(database.jdbcUrl(), database.user(), database.password())
        .locations("classpath:db/migration").target(target).load().migrate();
    try (Connection db = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
         var sql = db.createStatement()) {
      sql.execute("INSERT INTO organisation (id, kind, name, commune) VALUES "
          + "('00000000-0000-4000-8000-000000000001', 'administration', 'CAF de La Réunion', 'Saint-Denis')");
      sql.execute("INSERT INTO visio_service (id, organisation_id, name, duration_minutes, reference_prefix) VALUES "
          + "('00000000-0000-4000-8000-000000000011', '00000000-0000-4000-8000-000000000001', 'Prestations', 30, 'CAFRE'),"
          + "('00000000-0000-4000-8000-000000000012', '00000000-0000-4000-8000-000000000001', 'Logement', 30, 'CAFRL')");
      int n = 0;
      for (String[] p : places.values()) {
        String key = p[2] != null ? "email-key-" + n : key(p[3]);
        sql.execute("INSERT INTO visio_waiting (id, service_id, state, citizen_name, citizen_email, citizen_phone, contact_key,"
            + " joined_at) VALUES ('00000000-0000-4000-8000-00000000010" + n++ + "', '00000000-0000-4000-8000-0000000000" + p[0]
            + "', 'waiting', 'Personne', " + (p[2] == null ? "NULL" : "'" + p[2] + "'") + ", '" + p[1] + "', '" + key
            + "', now())");
      }
    }

    Migrations.migrate(database);

    Map<String, String[]> after = new LinkedHashMap<>();
    try (Connection db = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
         var sql = db.createStatement();
         var rows = sql.executeQuery("SELECT id, citizen_phone, contact_key FROM visio_waiting ORDER BY id")) {
      while (rows.next()) {
        after.put(rows.getString(1).substring(33), new String[] {rows.getString(2), rows.getString(3)});
      }
    }
    return after;
  }

  private static String contactKey(String phone) {
    return new CitizenContact("Personne", null, phone).key();
  }

  private static String key(String international) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(("phone:" + international).getBytes(StandardCharsets.UTF_8)));
  }
}
