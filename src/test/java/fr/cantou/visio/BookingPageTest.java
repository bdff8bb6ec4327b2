package fr.cantou.visio;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What an admin types in the catalogue cannot break out of the booking page the server writes it into. */
class BookingPageTest {
  private static final String HOSTILE = "Carte </script><script>alert('x')</script> & \"Vitale\"";

  @Test
  void a_text_of_the_catalogue_is_written_as_text() {
    assertThat(BookingPage.escape(HOSTILE))
        .isEqualTo("Carte &lt;/script&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Vitale&quot;");
  }

  @Test
  void the_catalogue_block_cannot_be_closed_by_a_name() {
    VisioRecords.Service service = new VisioRecords.Service("id-1", HOSTILE, "CPAM", "org-1", 20, "<!-- a comment",
        List.of("</script>"), "Europe/Paris");
    String data = BookingPage.data(List.of(service), List.of());
    assertThat(data).doesNotContain("<").contains("\\u003c/script>").startsWith("{");
    assertThat(new io.vertx.core.json.JsonObject(data).getJsonArray("services").getJsonObject(0).getString("name"))
        .isEqualTo(HOSTILE);
  }
}
