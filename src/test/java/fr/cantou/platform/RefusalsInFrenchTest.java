package fr.cantou.platform;

import fr.cantou.support.Api;
import fr.cantou.support.CareTerritory;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request refused for its body or a parameter is told, in French when asked, which field and what is expected there:
 * in the contract's own values (the limit, the allowed values), never the validator's English ("String is too long
 * (1001 > 1000)") nor Jackson's, which names Java types.
 */
class RefusalsInFrenchTest {
  static TestNode node;
  static CareTerritory care;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    care = new CareTerritory(node);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /** A booking the contract accepts (its service need not exist: the contract is checked first). */
  static JsonObject booking() {
    return new JsonObject().put("serviceId", UUID.randomUUID().toString()).put("start", "2026-12-01T10:00:00+01:00")
        .put("citizen", new JsonObject().put("name", "Jeanne Vidal").put("email", "jeanne@example.fr"));
  }

  static Api.Response send(String method, String path, String token, Object body, String language) {
    Map<String, String> headers = new HashMap<>(Map.of("Accept-Language", language));
    if (body != null) {
      headers.put("Content-Type", "application/json");
    }
    return node.api.send(method, path, token, body == null ? null : body.toString(), headers);
  }

  static Api.Response book(Object body, String language) {
    return send("POST", "/api/visio/appointments", null, body, language);
  }

  /** A 400 problem whose detail is the sentence, naming the field in its {@code field} member when there is one. */
  static void refused(Api.Response response, String field, String detail) {
    assertThat(response.status()).as(response.toString()).isEqualTo(400);
    assertThat(response.isProblem()).isTrue();
    JsonObject problem = response.json();
    assertThat(problem.getString("type")).isNotBlank();
    assertThat(problem.getString("field")).as(response.toString()).isEqualTo(field);
    assertThat(problem.getString("detail")).isEqualTo(detail);
  }

  /** A booking starting so is refused, with the same sentence in each language. */
  static void startRefused(String start) {
    refused(book(booking().put("start", start), "fr"), "start",
        "Champ « start » invalide : une date et une heure comme 2026-12-07T09:30:00+01:00.");
    refused(book(booking().put("start", start), "en"), "start",
        "Invalid field 'start': a date and time such as 2026-12-07T09:30:00+01:00.");
  }

  @Test
  void a_booking_whose_start_is_not_a_date_is_told_in_french_which_field_and_what_is_expected() {
    startRefused("demain 10h");
  }

  /** The contract takes a date-time without its offset; the reader of the body does not: never its Java words. */
  @Test
  void a_start_without_its_offset_is_told_the_same_never_with_java_words() {
    startRefused("2026-12-01T10:00:00");
  }

  @Test
  void a_note_too_long_is_told_its_limit() {
    refused(book(booking().put("note", "x".repeat(1001)), "fr"), "note", "Champ « note » invalide : au plus 1000 caractères.");
    refused(book(booking().put("note", "x".repeat(1001)), "en"), "note", "Invalid field 'note': at most 1000 characters.");
  }

  @Test
  void an_unknown_accessibility_need_is_told_the_allowed_ones() {
    JsonObject body = booking().put("accessibility", new JsonArray().add("wheelchair"));
    refused(book(body, "fr"), "accessibility.0",
        "Champ « accessibility.0 » invalide : l’une de ces valeurs : hearing, sight, interpreter, helper_present.");
    refused(book(body, "en"), "accessibility.0",
        "Invalid field 'accessibility.0': one of: hearing, sight, interpreter, helper_present.");
    JsonObject twice = booking().put("accessibility", new JsonArray().add("sight").add("sight"));
    refused(book(twice, "fr"), "accessibility", "Champ « accessibility » invalide : chaque valeur une seule fois.");
  }

  @Test
  void a_number_given_for_a_name_is_told_a_text_is_expected() {
    JsonObject body = booking();
    body.getJsonObject("citizen").put("name", 42);
    refused(book(body, "fr"), "citizen.name", "Champ « citizen.name » invalide : un texte est attendu.");
    refused(book(body, "en"), "citizen.name", "Invalid field 'citizen.name': a text is expected.");
  }

  @Test
  void a_missing_field_is_named_with_its_path() {
    JsonObject noService = booking();
    noService.remove("serviceId");
    refused(book(noService, "fr"), "serviceId", "Il manque le champ « serviceId ».");
    refused(book(noService, "en"), "serviceId", "Missing field 'serviceId'.");
    JsonObject noName = booking();
    noName.getJsonObject("citizen").remove("name");
    refused(book(noName, "fr"), "citizen.name", "Il manque le champ « citizen.name ».");
  }

  @Test
  void an_unknown_field_and_a_body_that_is_not_an_object_are_told_plainly() {
    refused(book(booking().put("colour", 1), "fr"), "colour", "Champ inconnu : « colour ».");
    refused(book(booking().put("serviceId", "abc"), "fr"), "serviceId",
        "Champ « serviceId » invalide : un identifiant comme 0b7e7dee-87ab-4b7c-9a43-0d6c2b4b7e0f.");
    refused(book(new JsonArray().add(1), "fr"), null, "Corps de la requête invalide : un objet est attendu.");
    refused(book(new JsonArray().add(1), "en"), null, "Invalid request body: an object is expected.");
  }

  @Test
  void a_slots_search_with_a_bad_or_missing_date_names_the_parameter() {
    String slots = "/api/visio/services/" + UUID.randomUUID() + "/slots";
    refused(send("GET", slots + "?from=demain&to=2026-12-02", null, null, "fr"), null,
        "Paramètre « from » invalide : une date comme 2026-12-07.");
    refused(send("GET", slots + "?from=demain&to=2026-12-02", null, null, "en"), null,
        "Invalid query parameter 'from': a date such as 2026-12-07.");
    refused(send("GET", slots + "?to=2026-12-02", null, null, "fr"), null, "Paramètre « from » manquant.");
    refused(send("GET", slots + "?to=2026-12-02", null, null, "en"), null, "Missing query parameter 'from'.");
  }

  @Test
  void a_teleconsultation_with_a_bad_field_is_told_what_the_contract_allows() {
    JsonObject oldPatient = CareTerritory.request("any", "normal");
    oldPatient.getJsonObject("patient").put("birthYear", 1800);
    refused(send("POST", "/api/teleconsultations", care.nurse, oldPatient, "fr"), "patient.birthYear",
        "Champ « patient.birthYear » invalide : de 1900 à 2100.");
    refused(send("POST", "/api/teleconsultations", care.nurse, oldPatient, "en"), "patient.birthYear",
        "Invalid field 'patient.birthYear': from 1900 to 2100.");
    refused(send("POST", "/api/teleconsultations", care.nurse, CareTerritory.request("any", "soon"), "fr"), "urgency",
        "Champ « urgency » invalide : l’une de ces valeurs : urgent, normal.");
    refused(send("POST", "/api/teleconsultations", care.nurse, CareTerritory.request("any", "normal").put("reason", " "), "fr"),
        "reason", "Champ « reason » invalide : il ne doit pas être vide.");
    refused(send("POST", "/api/teleconsultations", care.nurse, CareTerritory.request("any", "normal").put("reason", ""), "fr"),
        "reason", "Champ « reason » invalide : il ne doit pas être vide.");
    refused(send("POST", "/api/teleconsultations", care.nurse, CareTerritory.request("Cardio!", "normal"), "fr"),
        "specialty", "Champ « specialty » invalide : il n’a pas la forme attendue.");
    refused(send("POST", "/api/teleconsultations", care.nurse, CareTerritory.request("any", "normal").put("consent", "oui"), "en"),
        "consent", "Invalid field 'consent': an object is expected.");
  }

  /** The vital signs' schema is a $ref of the contract's components: followed to say what it asks. */
  @Test
  void a_vital_sign_of_the_wrong_type_is_told_through_the_shared_schema() {
    JsonObject body = CareTerritory.request("any", "normal").put("vitalSigns", new JsonObject().put("pulse", 72.5));
    refused(send("POST", "/api/teleconsultations", care.nurse, body, "fr"), "vitalSigns.pulse",
        "Champ « vitalSigns.pulse » invalide : un nombre entier est attendu.");
  }

  @Test
  void a_field_given_twice_or_no_body_at_all_is_said_in_french() {
    Api.Response twice = node.api.send("POST", "/api/visio/appointments", null,
        "{\"start\":\"2026-12-01T10:00:00+01:00\",\"start\":\"2026-12-02T10:00:00+01:00\"}",
        Map.of("Content-Type", "application/json", "Accept-Language", "fr"));
    refused(twice, null, "Le corps de la requête n’est pas un JSON valide (ligne 1, colonne 45) : le champ « start » est donné deux fois.");
    refused(book(null, "fr"), null, "Le corps de la requête doit être un document JSON.");
    refused(book(null, "en"), null, "A JSON request body is required.");
  }
}
