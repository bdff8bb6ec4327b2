package fr.cantou.stats;

import fr.cantou.support.CareTerritory;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.ZoneOffset;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/** The statistics file opens in a spreadsheet as figures and names, never as formulas. */
class StatsExportTest {

  @Test
  void a_name_typed_like_a_formula_is_exported_as_text() {
    try (TestNode node = TestNode.start()) {
      CareTerritory care = new CareTerritory(node);
      String trap = "=HYPERLINK(\"http://evil.example\",\"Voir\")";
      String home = care.organisation("ehpad", trap, "Riom-ès-Montagnes");
      String nurse = care.token(care.user("infirmiere@piege.test", "nurse", "Léa Piège", home, null));
      JsonObject created = node.api.post("/api/teleconsultations", nurse, request("geriatrie", "normal")).json();
      assertThat(created.getString("status")).isEqualTo("queued");

      // The rows are dated by the database's clock: a window of three days around it.
      LocalDate today = LocalDate.now(ZoneOffset.UTC);
      var csv = node.api.get("/api/stats/export.csv?from=" + today.minusDays(1) + "&to=" + today.plusDays(1), node.adminToken());
      assertThat(csv.status()).isEqualTo(200);
      assertThat(csv.body()).contains("'=HYPERLINK").doesNotContain(",=HYPERLINK").doesNotContain(",\"=HYPERLINK");
      // Every cell quoted: a French spreadsheet that splits on ';' too finds no cell starting with '='.
      assertThat(csv.body().replace("\uFEFF", "").lines()).allSatisfy(line -> assertThat(line).startsWith("\""));
      assertThat(csv.body()).contains(",\"'=HYPERLINK(");
    }
  }
}
