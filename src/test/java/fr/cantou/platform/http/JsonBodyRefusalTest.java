package fr.cantou.platform.http;

import com.fasterxml.jackson.databind.JsonMappingException;
import fr.cantou.platform.json.Json;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A body the contract let through but the reader cannot map is told by what is expected at that field, in the client's
 * language, never in the mapper's English nor with a Java type's name. (Through the API only a date-time without its
 * offset gets this far, RefusalsInFrenchTest; the other kinds are checked here on the reader itself.)
 */
class JsonBodyRefusalTest {
  record Inner(Integer count) {}

  record Body(OffsetDateTime start, UUID id, Integer count, Double weight, Boolean given, String name, List<String> tags,
      Inner inner) {}

  static ApiException refusalOf(String json) {
    JsonMappingException e = catchThrowableOfType(JsonMappingException.class, () -> Json.mapper().readValue(json, Body.class));
    assertThat(e).as(json).isNotNull();
    return JsonBody.refusal(e);
  }

  @Test
  void each_kind_of_value_is_said_by_what_is_expected_in_french_and_in_english() {
    assertThat(refusalOf("{\"start\":\"2026-12-01T10:00:00\"}").detail(Locale.FRENCH))
        .isEqualTo("Champ « start » invalide : une date et une heure comme 2026-12-07T09:30:00+01:00.");
    assertThat(refusalOf("{\"id\":\"abc\"}").detail(Locale.FRENCH))
        .isEqualTo("Champ « id » invalide : un identifiant comme 0b7e7dee-87ab-4b7c-9a43-0d6c2b4b7e0f.");
    assertThat(refusalOf("{\"count\":\"beaucoup\"}").detail(Locale.FRENCH))
        .isEqualTo("Champ « count » invalide : un nombre entier est attendu.");
    assertThat(refusalOf("{\"weight\":\"lourd\"}").detail(Locale.FRENCH)).isEqualTo("Champ « weight » invalide : un nombre est attendu.");
    assertThat(refusalOf("{\"given\":\"oui\"}").detail(Locale.FRENCH)).isEqualTo("Champ « given » invalide : true ou false est attendu.");
    assertThat(refusalOf("{\"name\":{}}").detail(Locale.FRENCH)).isEqualTo("Champ « name » invalide : un texte est attendu.");
    assertThat(refusalOf("{\"tags\":{}}").detail(Locale.FRENCH)).isEqualTo("Champ « tags » invalide : une liste est attendue.");
    assertThat(refusalOf("{\"inner\":{\"count\":\"x\"}}").detail(Locale.ENGLISH))
        .isEqualTo("Invalid field 'inner.count': a whole number is expected.");
    assertThat(refusalOf("{\"inner\":[1]}").detail(Locale.ENGLISH)).isEqualTo("Invalid field 'inner': an object is expected.");
  }

  @Test
  void the_field_is_named_for_the_pages_and_no_java_word_is_ever_said() {
    ApiException refused = refusalOf("{\"start\":\"demain\"}");
    assertThat(refused.field()).isEqualTo("start");
    assertThat(refused.detail(Locale.ENGLISH)).doesNotContain("java", "Cannot", "deserialize", "OffsetDateTime");
  }
}
