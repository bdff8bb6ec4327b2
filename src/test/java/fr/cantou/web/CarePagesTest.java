package fr.cantou.web;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.FileChooser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.FilePayload;
import fr.cantou.teleconsult.CareFiles;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the doctor judges from afar, through the pages: the vital signs the nurse types (a comma
 * for decimals, a slip said under its box before anything is sent), read by the doctor as a
 * table, the later ones live; and a written opinion, where nurse and doctor write to each other
 * live, what one is typing survives the other's message arriving, and the doctor can turn it
 * into a call; and issue 16's whole journey, to the report the nurse downloads as one PDF.
 */
class CarePagesTest {
  @org.junit.jupiter.api.extension.RegisterExtension
  static final BrowserFixture web = BrowserFixture.forTheClass();

  private record Pages(Page doctor, Page nurse) {}

  /** The palliative care doctor's page and a Salers nurse's, on tablets, the nurse's new request filled in. */
  private static Pages doctorAndNurseWriting(String reference, String initials, String birthYear, String reason) {
    Page doctor = web.signIn(web.newPage(BrowserFixture.Screen.TABLET), "dr.garcia");
    Page nurse = web.signIn(web.newPage(BrowserFixture.Screen.TABLET), "infirmiere.salers");
    BrowserFixture.typeRequest(nurse, reference, initials, birthYear, reason);
    nurse.locator("#specialty").selectOption("soins_palliatifs");
    return new Pages(doctor, nurse);
  }

  /** Vital signs: typed, checked, read live as a table. */
  @Test
  void the_nurse_sends_vital_signs_and_adds_more_later_and_the_doctor_reads_them_live() {
    String reference = "R-VS-1";
    Pages pages = doctorAndNurseWriting(reference, "MB", "1934", "Fièvre depuis ce matin, toux grasse");
    Page nurse = pages.nurse();
    nurse.locator("#vitals summary").click();
    nurse.locator("#vs-systolic").fill("145");
    nurse.locator("#vs-diastolic").fill("85");
    nurse.locator("#vs-temperature").fill("73");
    nurse.locator("#vs-spo2").fill("94");
    nurse.locator("#request button[type=submit]").click();

    // A slip (37 typed 73): said under its box, in words, before anything is sent.
    Locator temperature = nurse.locator("#vs-temperature");
    assertThat(temperature).hasAttribute("aria-invalid", "true");
    assertThat(nurse.locator("#vs-temperature-error")).hasText("Température : un nombre entre 30 et 44 °C, par exemple 38,4.");
    assertThat(temperature).isFocused();
    assertThat(nurse.locator("#items")).not().containsText(reference);

    temperature.fill("38,4");
    nurse.locator("#request button[type=submit]").click();
    Locator mine = nurse.locator("#items article").filter(new Locator.FilterOptions().setHasText(reference));
    assertThat(mine.locator("table.vitals")).containsText("145/85");

    Page doctor = pages.doctor();
    Locator card = doctor.locator("#queue article").filter(new Locator.FilterOptions().setHasText(reference));
    Locator table = card.locator("table.vitals");
    assertThat(table).containsText("38,4");
    assertThat(table).containsText("145/85");
    assertThat(table.locator("caption")).hasText("Constantes");
    assertThat(table.locator("th[scope=col]").first()).hasText("Mesurées à");
    PagesTest.assertAccessible(doctor, "medecin-constantes");

    // Later, the nurse adds a set from the card; the doctor's table gains its row without a reload.
    mine.getByText("Ajouter des constantes").click();
    Locator dialog = nurse.locator("#vitals-dialog");
    assertThat(dialog).isVisible();
    assertThat(nurse.locator("#vitals-for")).hasText("Pour " + reference + ".");
    nurse.locator("#add-spo2").fill("91");
    nurse.locator("#add-pulse").fill("104");
    PagesTest.assertAccessible(nurse, "infirmiere-constantes");
    nurse.locator("#vitals-save").click();
    assertThat(dialog).isHidden();
    assertThat(table.locator("tbody tr")).hasCount(2);
    assertThat(table).containsText("104");
    BrowserFixture.screenshot(doctor, "medecin-constantes");

    // Escape closes the dialog like "Annuler": the focus goes back to the card's button, named for its resident.
    mine.getByText("Ajouter des constantes").click();
    assertThat(dialog).isVisible();
    nurse.keyboard().press("Escape");
    assertThat(dialog).isHidden();
    assertThat(nurse.getByLabel("Ajouter des constantes pour " + reference)).isFocused();

    // The queue of soins palliatifs empty again for the other journeys of this node.
    mine.getByText("Annuler la demande").click();
    Question.accept(nurse);
    assertThat(card).hasCount(0);
  }

  /** A written opinion (téléexpertise): the exchange, live, then a call. */
  @Test
  void nurse_and_doctor_write_to_each_other_live_and_the_doctor_can_turn_it_into_a_call() {
    String reference = "R-AV-1";
    Pages pages = doctorAndNurseWriting(reference, "JB", "1931", "Rougeur du talon droit depuis trois jours");
    Page doctor = pages.doctor();
    Page nurse = pages.nurse();
    nurse.locator("input[name=kind][value=opinion]").check();
    nurse.locator("#request button[type=submit]").click();
    Locator mine = nurse.locator("#items article").filter(new Locator.FilterOptions().setHasText(reference));
    assertThat(mine).containsText("Avis écrit");
    assertThat(mine.getByText("Rejoindre l'appel")).hasCount(0);

    Locator card = doctor.locator("#queue article").filter(new Locator.FilterOptions().setHasText(reference));
    assertThat(card).containsText("Avis écrit");
    card.getByText("Prendre en charge").click();
    Locator current = doctor.locator("#current-item");
    assertThat(current.getByText("Passer en appel vidéo")).isVisible();
    assertThat(current.getByText("Rejoindre l'appel")).hasCount(0);

    // The nurse starts typing; the doctor's question arrives meanwhile: her words and her place stay.
    Locator nurseBox = mine.locator("textarea");
    nurseBox.click();
    nurseBox.pressSequentially("La rougeur ");
    current.locator("textarea").fill("La peau est-elle ouverte ? Y a-t-il de la fièvre ?");
    current.getByText("Envoyer le message").click();
    assertThat(mine.locator(".message.doctor")).containsText("La peau est-elle ouverte ?");
    assertThat(nurseBox).isFocused();
    nurseBox.pressSequentially("mesure 4 cm, peau intacte, 37,2 °C.");
    assertThat(nurseBox).hasValue("La rougeur mesure 4 cm, peau intacte, 37,2 °C.");
    mine.getByText("Envoyer le message").click();
    assertThat(current.locator(".message.nurse")).containsText("La rougeur mesure 4 cm, peau intacte, 37,2 °C.");
    assertThat(nurseBox).hasValue("");
    PagesTest.assertAccessible(nurse, "infirmiere-avis-ecrit");
    PagesTest.assertAccessible(doctor, "medecin-avis-ecrit");
    BrowserFixture.screenshot(doctor, "medecin-avis-ecrit");

    // She decides to see the resident: the request becomes a call, and the nurse is offered to join.
    current.getByText("Passer en appel vidéo").click();
    assertThat(current.getByText("Rejoindre l'appel")).isVisible();
    assertThat(mine.getByText("Rejoindre l'appel")).isVisible();
    assertThat(mine).not().containsText("Avis écrit");

    doctor.locator("#report-text").fill("Rougeur de stade 1 : décharge du talon, effleurage, revoir dans 48 h.");
    doctor.locator("#outcome").selectOption("advice_given");
    doctor.locator("#report button[type=submit]").click();
    assertThat(mine).containsText("Rougeur de stade 1");
  }
  /**
   * Photos and documents: a photo chosen with the new request, a PDF added later from its card;
   * the doctor sees the thumbnail (loaded with her token, named for screen readers) and the PDF's
   * link live; a file the server refuses is said under the nurse's buttons.
   */
  @Test
  void the_nurse_attaches_a_photo_and_a_pdf_and_the_doctor_sees_them_live() {
    String reference = "R-PH-1";
    Pages pages = doctorAndNurseWriting(reference, "LB", "1936", "Plaie du talon gauche, écoulement depuis hier");
    Page doctor = pages.doctor();
    Page nurse = pages.nurse();
    nurse.locator("#request-files").setInputFiles(new FilePayload("talon gauche.jpg", "image/jpeg",
        fr.cantou.teleconsult.CareFiles.photoWithGps(64, 48, 1)));
    nurse.locator("#request button[type=submit]").click();

    Locator card = doctor.locator("#queue article").filter(new Locator.FilterOptions().setHasText(reference));
    Locator thumb = card.locator("img.thumb");
    assertThat(thumb).hasAttribute("alt", Pattern.compile("^Photo 1 ajoutée à \\d{1,2} h( \\d{2})? par l'infirmière$"));
    assertThat(thumb).hasAttribute("src", Pattern.compile("^blob:"));
    assertThat(thumb).hasJSProperty("naturalWidth", 64);

    // Later, from the card of the open request: a PDF, seen by the doctor without a reload.
    Locator mine = nurse.locator("#items article").filter(new Locator.FilterOptions().setHasText(reference));
    FileChooser chooser = nurse.waitForFileChooser(() -> mine.locator("button[data-files=add]").click());
    chooser.setFiles(new FilePayload("ECG du matin.pdf", "application/pdf", fr.cantou.teleconsult.CareFiles.pdf(3000)));
    // Sent once she said yes to the resident named (the cards move under her finger).
    assertThat(Question.accept(nurse)).isEqualTo("Envoyer 1 document dans la demande de R-PH-1 · LB · 1936 ?");
    assertThat(card.locator("a.file-link")).containsText("Document 2 : ECG du matin.pdf (PDF, 3 Ko)");
    assertThat(mine.locator("a.file-link")).containsText("ECG du matin.pdf");
    assertThat(mine.locator("button[data-files=add]")).isFocused();

    // A program renamed .jpg: refused by the server, said under her buttons in words.
    byte[] program = new byte[2048];
    System.arraycopy(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0}, 0, program, 0, 8);
    chooser = nurse.waitForFileChooser(() -> mine.locator("button[data-files=add]").click());
    chooser.setFiles(new FilePayload("photo.jpg", "image/jpeg", program));
    Question.accept(nurse);
    assertThat(mine.locator(".upload-error")).containsText("photo.jpg n'a pas été ajouté : Ce fichier n’est ni une photo");
    assertThat(card.locator(".file")).hasCount(2);

    PagesTest.assertAccessible(nurse, "infirmiere-fichiers");
    PagesTest.assertAccessible(doctor, "medecin-fichiers");
    BrowserFixture.screenshot(doctor, "medecin-fichiers");

    mine.getByText("Annuler la demande").click();
    Question.accept(nurse);
    assertThat(card).hasCount(0);
  }

  /**
   * The outside clinical-safety review: another resident's wound photo sent into this resident's request (the cards
   * reorder live on a tablet) could not be withdrawn. Each file of the open request has a "Retirer" button named for
   * the file and the resident; it asks first ("Non" keeps the file, the keyboard back on the button); "Oui" withdraws
   * it: the doctor's page no longer lists it, live (nor keeps its bytes), the keyboard goes to the file that took its
   * place, then, once the last is withdrawn, to "Ajouter une photo ou un document". A refusal (the doctor closed the
   * request while the question waited) is said under the file. The files are sent through the API: the form is not
   * what this test is about.
   */
  /**
   * A file of the doctor's consultation withdrawn by the nurse went from her card without a word, though she may have
   * looked at it or be writing from it (an outside security review): it is said, and written above her consultation.
   */
  @Test
  void a_file_withdrawn_from_her_consultation_is_said_to_the_doctor() {
    String token = web.node.api.login("infirmiere.salers@cantal.demo", BrowserFixture.PASSWORD);
    io.vertx.core.json.JsonObject body = fr.cantou.support.CareTerritory.request("soins_palliatifs", "normal");
    body.getJsonObject("patient").put("reference", "R-RET-2");
    String item = "/api/teleconsultations/" + web.node.api.post("/api/teleconsultations", token, body).json().getString("id");
    var added = web.node.api.overHttp1().sendBytes("POST", item + "/files", token, CareFiles.photoWithGps(64, 48, 1),
        java.util.Map.of("Content-Type", "application/octet-stream", "X-File-Name", "talon.jpg"));
    assertThat(added.status()).as(added.toString()).isEqualTo(201);
    String doctorToken = web.node.api.login("dr.garcia@cantal.demo", BrowserFixture.PASSWORD);
    assertThat(web.node.api.post(item + "/claim", doctorToken, null).status()).isEqualTo(200);
    Page doctor = web.signIn(web.newPage(BrowserFixture.Screen.TABLET), "dr.garcia");
    Locator current = doctor.locator("#current-item");
    assertThat(current.locator(".file")).hasCount(1);

    String fileId = web.node.api.get(item, token).json().getJsonArray("files").getJsonObject(0).getString("id");
    assertThat(web.node.api.send("DELETE", item + "/files/" + fileId, token, null, java.util.Map.of()).status()).isEqualTo(204);
    String said = "L'infirmière a retiré la photo 1 (talon.jpg) de la demande R-RET-2 : il n'en fait plus partie (envoyé dans "
        + "la mauvaise demande). Ne vous fondez plus dessus.";
    assertThat(current.locator(".notice")).hasText(said);
    assertThat(doctor.locator("#status")).hasText(said);
    assertThat(current.locator(".file")).hasCount(0);
    doctor.context().close();
    // Hers no longer: the other tests' doctor takes requests of her own (one open at a time).
    assertThat(web.node.api.post(item + "/release", doctorToken, null).status()).isEqualTo(200);
  }

  @Test
  void the_nurse_withdraws_a_photo_sent_into_the_wrong_request_and_the_doctor_no_longer_sees_it() {
    String reference = "R-RET-1";
    String token = web.node.api.login("infirmiere.salers@cantal.demo", BrowserFixture.PASSWORD);
    io.vertx.core.json.JsonObject body = fr.cantou.support.CareTerritory.request("soins_palliatifs", "normal");
    body.getJsonObject("patient").put("reference", reference);
    var created = web.node.api.post("/api/teleconsultations", token, body);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String files = "/api/teleconsultations/" + created.json().getString("id") + "/files";
    for (var file : java.util.List.of(java.util.Map.entry("talon Mme D.jpg", CareFiles.photoWithGps(64, 48, 1)),
        java.util.Map.entry("ECG.pdf", CareFiles.pdf(3000)))) {
      var added = web.node.api.overHttp1().sendBytes("POST", files, token, file.getValue(), java.util.Map.of(
          "Content-Type", "application/octet-stream", "X-File-Name", file.getKey().replace(" ", "%20")));
      assertThat(added.status()).as(added.toString()).isEqualTo(201);
    }
    Page doctor = web.signIn(web.newPage(BrowserFixture.Screen.TABLET), "dr.garcia");
    Page nurse = web.signIn(web.newPage(BrowserFixture.Screen.TABLET), "infirmiere.salers");
    Locator card = doctor.locator("#queue article").filter(new Locator.FilterOptions().setHasText(reference));
    Locator mine = nurse.locator("#items article").filter(new Locator.FilterOptions().setHasText(reference));
    assertThat(card.locator(".file")).hasCount(2);
    assertThat(card.locator("img.thumb")).hasJSProperty("naturalWidth", 64);
    // The doctor withdraws nothing.
    assertThat(card.locator("button.file-withdraw")).hasCount(0);

    Locator photo = mine.locator("li.photo button.file-withdraw");
    assertThat(photo).hasText("Retirer");
    assertThat(photo).hasAttribute("aria-label", "Retirer la photo 1 (talon Mme D.jpg) de la demande " + reference);
    PagesTest.assertAccessible(nurse, "infirmiere-fichier-retirer");
    photo.click();
    assertThat(Question.decline(nurse)).isEqualTo("Retirer la photo 1 (talon Mme D.jpg) de la demande " + reference
        + " ? Le fichier sera effacé de Cantou et le médecin ne le verra plus.");
    assertThat(photo).isFocused();
    assertThat(mine.locator(".file")).hasCount(2);

    String shown = card.locator("img.thumb").getAttribute("src");
    photo.click();
    Question.accept(nurse);
    assertThat(card.locator(".file")).hasCount(1);
    assertThat(card.locator("img.thumb")).hasCount(0);
    // Loaded as a picture (the pages' CSP lets img-src, not connect-src, read blob: URLs).
    assertThat(doctor.evaluate("url => new Promise((answer) => { const picture = new Image();"
        + " picture.onload = () => answer('kept'); picture.onerror = () => answer('let go'); picture.src = url; })", shown))
        .as("the doctor's page no longer holds the photo's bytes").isEqualTo("let go");
    assertThat(card.locator("a.file-link")).containsText("Document 2 : ECG.pdf");
    assertThat(mine.locator(".file")).hasCount(1);
    Locator ecg = mine.locator("li.document button.file-withdraw");
    assertThat(ecg).hasAttribute("aria-label", "Retirer le document 2 (ECG.pdf) de la demande " + reference);
    // The keyboard on the file that took its place.
    assertThat(ecg).isFocused();
    assertThat(nurse.locator("#status")).hasText("Retiré de la demande " + reference + " : la photo 1 (talon Mme D.jpg).");

    ecg.click();
    Question.accept(nurse);
    assertThat(card.locator(".file")).hasCount(0);
    assertThat(mine.locator(".files")).hasCount(0);
    // The last one gone: on the button that sends the right one.
    assertThat(mine.locator("button[data-files=add]")).isFocused();

    // The right photo comes (numbered after the withdrawn ones); she withdraws it too, but the doctor closes the request
    // while the question waits for her answer: the refusal is said under the file, which the closed card still shows.
    var right = web.node.api.overHttp1().sendBytes("POST", files, token, CareFiles.photoWithGps(64, 48, 1),
        java.util.Map.of("Content-Type", "application/octet-stream", "X-File-Name", "talon.jpg"));
    assertThat(right.status()).as(right.toString()).isEqualTo(201);
    Locator third = mine.locator("li.photo button.file-withdraw");
    assertThat(third).hasAttribute("aria-label", "Retirer la photo 3 (talon.jpg) de la demande " + reference);
    third.click();
    Question.of(nurse);
    String doctorToken = web.node.api.login("dr.garcia@cantal.demo", BrowserFixture.PASSWORD);
    String item = "/api/teleconsultations/" + created.json().getString("id");
    assertThat(web.node.api.post(item + "/claim", doctorToken, null).status()).isEqualTo(200);
    assertThat(web.node.api.post(item + "/complete", doctorToken, new io.vertx.core.json.JsonObject()
        .put("report", "Vu.").put("outcome", "advice_given")).status()).isEqualTo(200);
    assertThat(mine.locator("button.file-withdraw")).hasCount(0);
    Question.accept(nurse);
    Locator refused = mine.locator(".withdraw-error");
    assertThat(refused).hasAttribute("role", "alert");
    assertThat(refused).hasText("Le fichier n'a pas été retiré : Cette téléconsultation est terminée ; une photo ou un "
        + "document ne se retire que tant que la demande est ouverte. Pour une demande close, adressez-vous à "
        + "l’administrateur de Cantou.");
    assertThat(refused).isFocused();
    assertThat(mine.locator(".file")).hasCount(1);
  }

  /**
   * Issue 16's "Done when", end to end in Chromium on the demo territory: a nurse creates a written
   * opinion with two photos (one with the page's "Prendre une photo", one chosen) and a blood
   * pressure; the dermatologist sees them live, asks a question; the nurse answers with one more
   * photo; the doctor closes with her opinion; the nurse downloads the report and it holds the
   * opinion, the blood pressure and the three photos. Axe finds no serious or critical issue on
   * either page on the way.
   *
   * <p>"Prendre une photo" is an {@code <input type=file capture=environment>}: on a tablet it
   * opens the camera app; Chromium without a screen has no camera app to open and answers it with
   * its file chooser, so the test gives that input a JPEG as a tablet's camera writes it (EXIF with
   * a GPS position and the device). Chromium's fake camera (--use-fake-device-for-media-stream)
   * feeds getUserMedia, which this button does not use. The upload rules behind it (type from the
   * content, metadata stripped, limits, rights, audit) are tested at the API (CareFilesTest,
   * CareReportTest); the exchange's details by the test above.
   */
  @Test
  void a_written_opinion_with_photos_and_a_blood_pressure_ends_as_a_report_the_nurse_downloads() throws Exception {
    String reference = "R-DW-16";
    String opinion = "Eczéma de contact probable : dermocorticoïde 7 jours, éviter le pansement adhésif.";
    Page doctor = web.signIn(web.newPage(BrowserFixture.Screen.TABLET), "dr.lafon");
    Page nurse = web.signIn(web.newPage(BrowserFixture.Screen.TABLET), "infirmiere.salers");

    // The request: a written opinion for dermatology, a blood pressure, a photo taken and one chosen.
    BrowserFixture.typeRequest(nurse, reference, "AM", "1937", "Plaques rouges sur l'avant-bras depuis une semaine");
    nurse.locator("#specialty").selectOption("dermatologie");
    nurse.locator("input[name=kind][value=opinion]").check();
    nurse.locator("#vitals summary").click();
    nurse.locator("#vs-systolic").fill("150");
    nurse.locator("#vs-diastolic").fill("90");
    nurse.locator("#request-camera").setInputFiles(new FilePayload("image.jpg", "image/jpeg",
        CareFiles.photoWithGps(96, 64, 1)));
    nurse.locator("#request-files").setInputFiles(new FilePayload("avant-bras.png", "image/png",
        CareFiles.encode(CareFiles.picture(80, 60), "png")));
    nurse.locator("#request button[type=submit]").click();
    Locator mine = nurse.locator("#items article").filter(new Locator.FilterOptions().setHasText(reference));
    assertThat(mine.locator("img.thumb")).hasCount(2);

    // The dermatologist sees them live, takes it and asks a question.
    Locator queued = doctor.locator("#queue article").filter(new Locator.FilterOptions().setHasText(reference));
    assertThat(queued.locator("img.thumb")).hasCount(2);
    assertThat(queued.locator("img.thumb").first()).hasAttribute("src", Pattern.compile("^blob:"));
    assertThat(queued.locator("table.vitals")).containsText("150/90");
    assertThat(queued).containsText("Avis écrit");
    PagesTest.assertAccessible(doctor, "compte-rendu-medecin-file");
    queued.getByText("Prendre en charge").click();
    Locator current = doctor.locator("#current-item");
    assertThat(current).containsText(reference);
    current.locator("textarea").fill("Pouvez-vous photographier l'avant-bras de plus près ?");
    current.getByText("Envoyer le message").click();

    // The nurse answers with one more photo, taken from the request's card, and a message.
    assertThat(mine.locator(".message.doctor")).containsText("de plus près");
    FileChooser chooser = nurse.waitForFileChooser(() -> mine.locator("button[data-files=camera]").click());
    chooser.setFiles(new FilePayload("image.jpg", "image/jpeg", CareFiles.photoWithGps(120, 90, 1)));
    Question.accept(nurse);
    assertThat(mine.locator("img.thumb")).hasCount(3);
    mine.locator("textarea").fill("Voici la photo de près : pas de suintement.");
    mine.getByText("Envoyer le message").click();
    assertThat(current.locator("img.thumb")).hasCount(3);
    assertThat(current.locator(".message.nurse")).containsText("pas de suintement");
    PagesTest.assertAccessible(nurse, "compte-rendu-infirmiere-echange");

    // The doctor closes with her opinion.
    doctor.locator("#report-text").fill(opinion);
    doctor.locator("#outcome").selectOption("prescription_sent");
    doctor.locator("#report button[type=submit]").click();
    assertThat(mine).containsText("Eczéma de contact probable");

    // The nurse downloads the report, from the keyboard: one PDF with the opinion, the blood pressure, the three photos.
    Locator save = mine.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
        new Locator.GetByRoleOptions().setName("Télécharger le compte rendu (PDF) de la demande " + reference));
    assertThat(save).hasText("Télécharger le compte rendu (PDF)");
    PagesTest.assertAccessible(nurse, "compte-rendu-infirmiere-close");
    // Focused then pressed by one call: a card drawn again between a focus and a press would take the key elsewhere.
    Download download = nurse.waitForDownload(() -> save.press("Enter"));
    assertThat(download.suggestedFilename()).matches("cantou-compte-rendu-[0-9a-f]{8}-\\d{4}-\\d{2}-\\d{2}\\.pdf");
    try (PDDocument pdf = Loader.loadPDF(Files.readAllBytes(download.path()))) {
      assertThat(CareFiles.textOf(pdf)).contains("Compte rendu de téléexpertise (avis écrit)").contains("Spécialité : Dermatologie")
          .contains("Médecin : Dr Isabelle Lafon").contains("tension 150/90 mmHg")
          .contains("Avis du médecin").contains(opinion).contains("Conclusion : Ordonnance envoyée")
          .contains("Voici la photo de près : pas de suintement.");
      assertThat(CareFiles.imagesIn(pdf)).as("a thumbnail per photo").isEqualTo(3);
    }
    assertThat(nurse.locator("#status")).hasText("Compte rendu de la demande " + reference + " téléchargé.");
    assertThat(save).isFocused();

    // The doctor who handled it may save it too, from her list of reports sent.
    Locator sent = doctor.locator("#sent article").filter(new Locator.FilterOptions().setHasText(reference));
    assertThat(sent.locator("button[data-report]")).hasText("Télécharger le compte rendu (PDF)");
    PagesTest.assertAccessible(doctor, "compte-rendu-medecin-envoye");
  }

  /**
   * The time of a measure she types ("8 h") is the département's, as every time on the care pages is written, not her
   * tablet's zone: set to Cayenne's time, it was saved as 8 h in Cayenne, 12 h in Paris — the doctor read the
   * temperature four hours later than it was taken.
   */
  @Test
  void the_time_of_a_measure_is_read_in_the_departements_zone_whatever_her_tablets() {
    Page nurse = web.signIn(web.newTabletPageIn("America/Cayenne"), "infirmiere.salers");
    BrowserFixture.typeRequest(nurse, "R-VS-ZONE", "JC", "1931", "Fièvre ce matin au lever");
    nurse.locator("#vitals summary").click();
    nurse.locator("#vs-temperature").fill("38,6");
    nurse.locator("#vs-time").fill("08:00");
    nurse.locator("#request button[type=submit]").click();
    Locator card = nurse.locator("#items article").filter(new Locator.FilterOptions().setHasText("R-VS-ZONE"));
    assertThat(card).isVisible();
    String token = web.node.api.login("infirmiere.salers@cantal.demo", BrowserFixture.PASSWORD);
    var measured = java.time.Instant.parse(web.node.api.get("/api/teleconsultations/" + card.getAttribute("data-id"), token)
        .json().getJsonArray("vitalSigns").getJsonObject(0).getString("measuredAt")).atZone(java.time.ZoneId.of("Europe/Paris"));
    assertThat(measured.toLocalTime()).as("the time she typed, in Paris").isEqualTo(java.time.LocalTime.of(8, 0));
    nurse.context().close();
  }
}
