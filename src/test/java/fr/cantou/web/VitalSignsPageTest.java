package fr.cantou.web;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * The nurse types the resident's vital signs as she writes them (a comma for decimals), a slip is
 * said under its box before anything is sent, and the doctor reads them as a table — the later
 * ones arriving live, without a reload.
 */
class VitalSignsPageTest {
  static BrowserFixture web;

  @BeforeAll
  static void start() {
    web = new BrowserFixture();
  }

  @AfterEach
  void nothingNeverShownWasShown(TestInfo test) {
    BrowserFixture.assertNothingNeverShownWasShown(test.getDisplayName());
  }

  @AfterAll
  static void stop() {
    web.close();
  }

  @Test
  void the_nurse_sends_vital_signs_and_adds_more_later_and_the_doctor_reads_them_live() {
    String reference = "R-VS-1";
    Page doctor = web.signIn(web.newPage(BrowserFixture.Screen.TABLET), "dr.garcia");
    Page nurse = web.signIn(web.newPage(BrowserFixture.Screen.TABLET), "infirmiere.salers");

    BrowserFixture.typeRequest(nurse, reference, "MB", "1934", "Fièvre depuis ce matin, toux grasse");
    nurse.locator("#specialty").selectOption("soins_palliatifs");
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

    // The queue of soins palliatifs empty again for the other journeys of this node.
    mine.getByText("Annuler la demande").click();
    assertThat(card).hasCount(0);
  }
}
