package fr.cantou.web;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.Test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * The confirmation of her booking is what she notes her link from (a landline: no SMS, no mail will bring it): a reload
 * of its tab (the phone discarded it) or one press on Back shows it again, until she starts a new booking.
 */
class BookingConfirmationKeptTest {
  @org.junit.jupiter.api.extension.RegisterExtension
  static final BrowserFixture web = BrowserFixture.forTheClass();

  /** Booked through the four steps, from home, with a landline only (no SMS will come): its reference as shown. */
  static String bookedWithALandline(Page page, String name, String phone) {
    page.setViewportSize(360, 740);
    page.navigate(web.url("/rendez-vous.html"));
    page.locator("#wizard .card").filter(new Locator.FilterOptions().setHasText("Carte Vitale")).locator("button").first().click();
    page.getByText("Depuis chez moi").click();
    BrowserFixture.firstSlotAfterToday(page).click();
    page.locator("#name").fill(name);
    page.locator("#phone").fill(phone);
    page.locator("#wizard button[type=submit]").click();
    assertThat(page.locator("#wizard h2")).hasText("Votre rendez-vous est confirmé");
    return page.locator("#reference").textContent();
  }

  @Test
  void a_reload_of_the_confirmation_still_shows_her_reference() {
    Page page = web.newPhonePage();
    String reference = bookedWithALandline(page, "Albertine Roux", "04 71 48 12 34");
    page.reload();
    // Where the page shows its steps (the status line for screen readers said it once, and is not what she sees).
    assertThat(page.locator("#wizard")).containsText(reference);
    assertThat(page.locator("#manage-link")).isVisible();
    page.context().close();
  }

  @Test
  void back_from_the_confirmation_never_loses_her_reference() {
    Page page = web.newPhonePage();
    String reference = bookedWithALandline(page, "Ernestine Roux", "04 71 48 12 35");
    page.goBack();
    assertThat(page.locator("#wizard h2")).isVisible();
    assertThat(page.locator("#wizard")).containsText(reference);
    page.context().close();
  }

  /** "Nouveau rendez-vous" forgets the confirmation: a reload then shows the first step, nothing of the last booking. */
  @Test
  void a_new_booking_forgets_the_last_confirmation() {
    Page page = web.newPhonePage();
    String reference = bookedWithALandline(page, "Léontine Roux", "04 71 48 12 36");
    page.locator("#new-booking").click();
    assertThat(page.locator("#wizard h2")).hasText("Quel service souhaitez-vous rencontrer ?");
    page.reload();
    assertThat(page.locator("#wizard .card").first()).isVisible();
    assertThat(page.locator("#wizard")).not().containsText(reference);
    org.assertj.core.api.Assertions.assertThat(page.evaluate("() => sessionStorage.getItem('cantou.booking.confirmed')")).isNull();
    page.context().close();
  }

  /** Someone opening the booking page afresh in that tab (a shared computer) is shown the first step, not her booking. */
  @Test
  void the_page_opened_afresh_in_that_tab_shows_no_earlier_booking() {
    Page page = web.newPhonePage();
    String reference = bookedWithALandline(page, "Clémentine Roux", "04 71 48 12 37");
    page.navigate(web.url("/index.html"));
    page.navigate(web.url("/rendez-vous.html"));
    // Kept until the page's script has judged it: then forgotten, and never shown.
    page.waitForFunction("() => sessionStorage.getItem('cantou.booking.confirmed') === null");
    assertThat(page.locator("#wizard .card").first()).isVisible();
    assertThat(page.locator("#wizard")).not().containsText(reference);
    page.context().close();
  }

  /** Kept half an hour at most: the next person at a public computer, pressing Back later, sees the first step. */
  @Test
  void a_confirmation_kept_more_than_half_an_hour_is_forgotten() {
    Page page = web.newPhonePage();
    String reference = bookedWithALandline(page, "Augustine Roux", "04 71 48 12 38");
    page.evaluate("() => { const kept = JSON.parse(sessionStorage.getItem('cantou.booking.confirmed'));"
        + " kept.keptAt = Date.now() - 31 * 60 * 1000;"
        + " sessionStorage.setItem('cantou.booking.confirmed', JSON.stringify(kept)); }");
    page.reload();
    assertThat(page.locator("#wizard .card").first()).isVisible();
    assertThat(page.locator("#wizard")).not().containsText(reference);
    page.waitForFunction("() => sessionStorage.getItem('cantou.booking.confirmed') === null");
    page.context().close();
  }
}
