package fr.cantou.web;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.Test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * A specialty's queue swollen past what a place is counted for (an outage of its doctors, a script): the nurse's page
 * tells her request's place as "more than 100 ahead", in the line said once it is sent and on its card, never as a
 * 101st place that would be false.
 */
class LongQueuePageTest {
  @org.junit.jupiter.api.extension.RegisterExtension
  static final BrowserFixture web = BrowserFixture.forTheClass();

  @Test
  void a_request_sent_behind_more_than_a_hundred_says_so_in_words() {
    String token = web.node.api.login("infirmiere.salers@cantal.demo", BrowserFixture.PASSWORD);
    for (int i = 0; i < 101; i++) {
      web.nurseRequest(token, String.format("LQ-%03d", i));
    }
    Page nurse = web.signIn(web.newPage(BrowserFixture.Screen.TABLET), "infirmiere.salers");
    BrowserFixture.typeRequest(nurse, "LQ-LAST", "AB", "1937", "Douleur thoracique depuis ce matin");
    nurse.locator("#specialty").selectOption("medecine_generale");
    nurse.locator("#request button[type=submit]").click();

    assertThat(nurse.locator("#nurse-outcome")).hasText("Demande envoyée. Plus de 100 demandes attendent avant elle.");
    Locator card = nurse.locator("#items article").filter(new Locator.FilterOptions().setHasText("LQ-LAST"));
    assertThat(card).containsText("plus de 100 demandes avant celle-ci");
    assertThat(card).not().containsText("101");
    Locator hundredth = nurse.locator("#items article").filter(new Locator.FilterOptions().setHasText("LQ-099"));
    assertThat(hundredth).containsText("100e dans la file");
  }
}
