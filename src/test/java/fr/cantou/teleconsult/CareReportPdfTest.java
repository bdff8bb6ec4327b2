package fr.cantou.teleconsult;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PDF's layout alone, without a node: a long exchange runs over several pages, each with its
 * footer; long words are cut to fit; what the font cannot draw (an emoji, a control character)
 * prints as "?" instead of failing the download; the times are those of the département.
 */
class CareReportPdfTest {
  private static final Instant CLOSED = Instant.parse("2026-12-02T15:30:00Z");

  private static Teleconsultation item(List<Teleconsultation.Message> messages, String report) {
    return new Teleconsultation("0f1e2d3c-aaaa-4bbb-8ccc-123456789abc", "completed", "urgent", "dermatologie",
        "Plaie du talon 😟 depuis\u0007 hier", new Teleconsultation.Patient("R-77", "ÉL", 1931),
        "org", "EHPAD Les Estives", "04 71 00 00 00", "nurse", "Élodie Fabre", "doctor", "Dr Lafon", null,
        null, null, null, null, false, false, null, CLOSED.minusSeconds(7200), CLOSED.minusSeconds(7200),
        CLOSED.minusSeconds(3600), null, CLOSED, null, null, report, "follow_up",
        new Teleconsultation.Consent(true, "legal_representative", CLOSED.minusSeconds(7200)), List.of(), "opinion",
        messages, List.of(), null);
  }

  @Test
  void a_long_exchange_runs_over_pages_and_what_the_font_cannot_draw_prints_as_a_question_mark(@TempDir Path dir)
      throws Exception {
    List<Teleconsultation.Message> messages = IntStream.rangeClosed(1, 80).mapToObj(i -> new Teleconsultation.Message(
        i % 2 == 0 ? "doctor" : "nurse", i % 2 == 0 ? "Dr Lafon" : "Élodie Fabre",
        "Message numéro " + i + " : la rougeur s’étend un peu, « à surveiller ».", CLOSED.minusSeconds(3000 - i)))
        .toList();
    String longWord = "x".repeat(400);
    Path pdf = dir.resolve("report.pdf");
    CareReportPdf.write(new CareReportPdf.Contents(item(messages, "Revoir dans 48 h.\n" + longWord), "Dermatologie", List.of(),
        CLOSED, ZoneId.of("Europe/Paris")), pdf);

    try (PDDocument document = Loader.loadPDF(pdf.toFile())) {
      int pages = document.getNumberOfPages();
      assertThat(pages).isGreaterThan(1);
      String text = CareFiles.textOf(document);
      assertThat(text).contains("Message numéro 1 : la rougeur").contains("Message numéro 80 : la rougeur s’étend un peu, « à surveiller ».")
          .contains("Plaie du talon ? depuis? hier")
          .contains("Consentement : donné par son représentant légal")
          .as("Paris time, not UTC").contains("Close le : 2 décembre 2026 à 16 h 30")
          .contains("Demande faite le : 2 décembre 2026 à 14 h 30, urgente")
          .contains("Conclusion : Suivi programmé")
          .contains("page 1/" + pages).contains("page " + pages + "/" + pages)
          .contains("x".repeat(60));
      assertThat(text.replace(" ", "")).as("the long word, cut, all there").contains(longWord);
    }
    assertThat(CareReportService.fileName(item(List.of(), "Vu."), ZoneId.of("Europe/Paris")))
        .isEqualTo("cantou-compte-rendu-0f1e2d3c-2026-12-02.pdf");
  }

  /**
   * A word of 20,000 characters (typed or pasted into a message) is cut into lines in time proportional to its length:
   * cut one character at a time, each measured from the start, a 4,000-character word took a worker 15 s (outside
   * review) and this one would take hours. The limit is far above what the cutting needs, not a benchmark.
   */
  @Test
  void a_huge_word_is_cut_into_lines_without_burning_the_worker(@TempDir Path dir) throws Exception {
    String word = "y".repeat(20_000);
    List<Teleconsultation.Message> messages = List.of(new Teleconsultation.Message("nurse", "Élodie Fabre", word,
        CLOSED.minusSeconds(600)));
    Path pdf = dir.resolve("report.pdf");
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () ->
        CareReportPdf.write(new CareReportPdf.Contents(item(messages, "Vu."), "Dermatologie", List.of(), CLOSED,
            ZoneId.of("Europe/Paris")), pdf));
    try (PDDocument document = Loader.loadPDF(pdf.toFile())) {
      assertThat(CareFiles.textOf(document).chars().filter(c -> c == 'y').count()).as("the whole word, cut").isEqualTo(20_000);
    }
  }
}
