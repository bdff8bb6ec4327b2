package fr.cantou.platform;

import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.ProblemTexts;
import fr.cantou.platform.json.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every refusal the server can give is said in French too, with the same holes filled. */
class ProblemTextsTest {
  /** The sentence given to an ApiException: string literals, maybe joined with +, as its first argument. */
  private static final Pattern REFUSAL = Pattern.compile(
      "(?:ApiException\\.\\w+|new ApiException|new ProblemTexts\\.Phrase)\\(\\s*(?:\\w+\\s*,\\s*)?((?:\"(?:[^\"\\\\]|\\\\.)*\"\\s*\\+?\\s*)+)");
  private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern HOLE = Pattern.compile("\\{\\d+}");

  static Set<String> sentencesInTheCode() throws IOException {
    Set<String> found = new TreeSet<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Matcher m = REFUSAL.matcher(Files.readString(file));
        while (m.find()) {
          found.add(LITERAL.matcher(m.group(1)).results().map(r -> r.group(1).replace("\\\"", "\""))
              .collect(Collectors.joining()));
        }
      }
    }
    return found;
  }

  static Map<String, String> french() throws IOException {
    var tree = Json.mapper().readTree(Files.readString(Path.of("src/main/resources/problems/fr.json")));
    return Json.mapper().convertValue(tree.get("texts"), new com.fasterxml.jackson.core.type.TypeReference<>() {});
  }

  @Test
  void every_sentence_of_the_code_has_its_french_and_the_file_holds_no_other() throws IOException {
    Set<String> inCode = sentencesInTheCode();
    assertThat(inCode).as("the scan finds the refusals").hasSizeGreaterThan(80)
        .contains("This slot is no longer free. Please choose another one.");
    assertThat(french().keySet()).containsExactlyInAnyOrderElementsOf(inCode);
  }

  @Test
  void a_french_sentence_fills_only_holes_its_english_one_has() throws IOException {
    french().forEach((english, french) -> assertThat(holes(english)).as(french).containsAll(holes(french)));
  }

  static Set<String> holes(String sentence) {
    return HOLE.matcher(sentence).results().map(java.util.regex.MatchResult::group).collect(Collectors.toSet());
  }

  @Test
  void statuses_and_dates_are_said_the_way_each_language_says_them() {
    var closed = ApiException.conflict("This appointment is {0}; it can no longer be cancelled.",
        new ProblemTexts.Term("appointment", "no_show"));
    assertThat(closed.getMessage()).isEqualTo("This appointment is no show; it can no longer be cancelled.");
    assertThat(closed.detail(Locale.FRENCH)).isEqualTo("Ce rendez-vous est noté absent ; il ne peut plus être annulé.");

    var busy = ApiException.conflict("Appointments are booked with this agent in that period: {0}. Move or cancel them first.",
        List.of(new ProblemTexts.Phrase("{0} ({1})", "CAF-7K3Q9",
            ZonedDateTime.of(2026, 12, 1, 9, 0, 0, 0, ZoneId.of("Europe/Paris")))));
    assertThat(busy.getMessage()).contains("CAF-7K3Q9 (1 December 2026 at 09:00)");
    assertThat(busy.detail(Locale.FRENCH)).contains("CAF-7K3Q9 (1er décembre 2026 à 9 h)");
  }
}
