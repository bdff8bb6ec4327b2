package fr.cantou.notify;

import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.support.TestDatabase;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V121 cleans the errors kept before with the PostgreSQL spelling of SmtpMailer.NotSent's pattern: the migration's own
 * literal, read from its file, run by PostgreSQL on refusals and on texts with an '@' that name nobody, gives what the
 * node gives; and an address the queue cut at 500 characters is masked too (outside review r25).
 */
class MailErrorMigrationMaskTest {

  private static String literal() throws java.io.IOException {
    String sql;
    try (var in = MailErrorMigrationMaskTest.class.getResourceAsStream("/db/migration/V121__mail_errors_without_addresses.sql")) {
      sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    // The pattern: the first quoted literal after regexp_replace(last_error, (it holds no quote itself).
    int from = sql.indexOf('\'', sql.indexOf("regexp_replace(last_error, "));
    int to = sql.indexOf('\'', from + 1);
    return sql.substring(from, to + 1);
  }

  /**
   * Before V121 the queue kept the refusal cut at 500 characters (MailStore.shortened; giveUpUnfinished: its own words,
   * then "; the attempt before: " and the refusal, left(…, 500)): a long refusal cut inside her address keeps
   * "jeanne.vidal@exampl", masked all the same.
   */
  @Test
  void v121_masks_an_address_cut_by_the_queues_500_characters() throws Exception {
    String refusal = "recipient address not accepted: 550-5.7.1 " + "x".repeat(437) + " <jeanne.vidal@example.fr>: rejected";
    String kept = refusal.substring(0, 500);
    assertThat(kept).endsWith("<jeanne.vidal@exampl");
    DatabaseEndpoint db = TestDatabase.fresh();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
         PreparedStatement q = c.prepareStatement("SELECT regexp_replace(?, " + literal() + ", '(adresse)', 'g')")) {
      q.setString(1, kept);
      try (ResultSet r = q.executeQuery()) {
        r.next();
        assertThat(r.getString(1)).doesNotContain("jeanne.vidal");
      }
    }
  }

  @Test
  void v121_masks_as_the_node_does() throws Exception {
    String literal = literal();
    DatabaseEndpoint db = TestDatabase.fresh();
    List<String> samples = List.of(
        "recipient address not accepted: 550 5.1.1 <jeanne.vidal@example.fr>: Recipient address rejected",
        "550 5.1.1 <\"jeanne\"@example.fr>: Recipient address rejected",
        "550 5.1.1 JEANNE@EXÄMPLE.FR... User unknown",
        "550-5.1.1 <a.b@c.fr>: one\n550 5.1.1 <a.b@c.fr> two",
        "550 5.1.1 RCPT TO:<jeanne+rdv@mairie.example.fr> refused",
        "550 5.1.1 <jeanne@example.fr>\u00a0rejected",
        "421 4.7.0 Try again later @ 10:00, see https://mx.example.fr/help",
        "io.vertx.core.impl.NoStackTraceThrowable: pool@1a2b3c.closed",
        "550 5.7.1 relay denied for a@b.c@d.e");
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
         PreparedStatement q = c.prepareStatement("SELECT regexp_replace(?, " + literal + ", '(adresse)', 'g')")) {
      org.assertj.core.api.SoftAssertions.assertSoftly(soft -> {
        for (String sample : samples) {
          try {
            q.setString(1, sample);
            try (ResultSet r = q.executeQuery()) {
              r.next();
              soft.assertThat(r.getString(1)).as(sample)
                  .isEqualTo(SmtpMailer.NotSent.ADDRESS.matcher(sample).replaceAll("(adresse)"));
            }
          } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
          }
        }
      });
    }
  }
}
