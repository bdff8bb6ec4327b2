package fr.cantou.web;

import com.microsoft.playwright.Clock;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import fr.cantou.support.MutableClock;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.concurrent.atomic.AtomicInteger;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * Her appointment's page (the manage link of the mail or SMS), on a phone whose rural line drops, and with a screen
 * reader. The server's clock is the test's; each test books its own appointment some days after the server's now, which
 * only moves forward.
 */
class AppointmentPageOnAWeakLineTest {
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  static final MutableClock clock = MutableClock.startingNow();
  @org.junit.jupiter.api.extension.RegisterExtension
  static final BrowserFixture web = BrowserFixture.forTheClassFromNow(clock);

  /** Her manage page, its clock and the server's at {@code at}. */
  static Page manage(Page page, JsonObject booked, Instant at) {
    clock.set(at);
    page.clock().install(new Clock.InstallOptions().setTime(at.toEpochMilli()));
    page.navigate(web.url("/rendez-vous.html?gerer#" + booked.getString("manageToken")));
    assertThat(page.locator("#page-title")).hasText("Mon rendez-vous");
    return page;
  }

  static JsonObject book(int daysAhead, String name, String phone) {
    return web.bookCarteVitale(null, LocalDate.now(clock.withZone(PARIS)).plusDays(daysAhead),
        new JsonObject().put("name", name).put("phone", phone));
  }

  /**
   * She moves the appointment, then presses "Revenir à l'ancienne date": that request is lost on her line. Beside
   * "Connexion perdue. Réessayez dans un instant." the undo stays, and pressed again it brings her old date back.
   */
  @Test
  void an_undo_of_a_move_lost_on_the_way_can_be_tried_again() {
    JsonObject booked = book(5, "Marcelle Aymard", "06 39 98 18 01");
    ZonedDateTime start = OffsetDateTime.parse(booked.getString("start")).atZoneSameInstant(PARIS);
    Page page = manage(web.newPhonePage(), booked, start.minusDays(1).toInstant());
    // The move goes through; the undo (the second move) is lost on the way; a third goes through.
    AtomicInteger moves = new AtomicInteger();
    page.route("**/reschedule", route -> {
      if (moves.incrementAndGet() == 2) {
        route.abort();
      } else {
        route.resume();
      }
    });
    page.getByText("Changer de date").click();
    page.locator(".slots button").nth(3).click();
    page.locator("#confirm-move").click();
    Locator outcome = page.locator("#outcome");
    assertThat(outcome).containsText("Rendez-vous déplacé au ");
    page.locator("#undo-move").click();
    assertThat(outcome).containsText("Connexion perdue");
    // What she can press now to get her old date back, beside the message that says "Réessayez".
    assertThat(outcome.getByRole(AriaRole.BUTTON)).hasCount(1);
    outcome.getByRole(AriaRole.BUTTON).click();
    assertThat(outcome).hasText(java.util.regex.Pattern.compile("Le rendez-vous est revenu au .*"));
    page.context().close();
  }

  /** What the page's live regions said (role=status, alert, aria-live), in window.__said: what a screen reader heard. */
  private static final String RECORDED_LIVE = """
      window.__said = [];
      document.addEventListener('DOMContentLoaded', () => {
        const live = (node) => (node.nodeType === 1 ? node : node.parentElement)
          ?.closest('[role=status], [role=alert], [aria-live]:not([aria-live=off])');
        new MutationObserver((records) => records.forEach((r) => {
          const region = live(r.target);
          if (region && region.textContent.trim()) { window.__said.push(region.textContent.trim()); }
          r.addedNodes.forEach((n) => { const inside = n.nodeType === 1 && n.matches('[role=status], [role=alert]') ? n : null;
            if (inside && inside.textContent.trim() && !inside.hidden) { window.__said.push(inside.textContent.trim()); } });
        })).observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      """;

  /**
   * She is blind, and waits on her appointment's page with its screen reader, ten minutes early as the convocation asks.
   * At the opening, "Rejoindre la visio" becomes pressable, and that is said once in the page's live region.
   */
  @Test
  @SuppressWarnings("unchecked")
  void the_room_opening_is_said_to_a_screen_reader_waiting_on_her_page() {
    JsonObject booked = book(6, "Yvonne Lacombe", "06 39 98 18 02");
    Instant opens = OffsetDateTime.parse(booked.getString("joinOpensAt")).toInstant();
    Page page = web.newPhonePage();
    page.addInitScript(RECORDED_LIVE);
    manage(page, booked, opens.minus(Duration.ofMinutes(2)));
    Locator join = page.locator("#join");
    assertThat(join).isDisabled();
    page.clock().fastForward("02:01");
    assertThat(join).isEnabled();
    page.waitForFunction("() => window.__said.some((s) => /La salle est ouverte/.test(s))");
    // Said once, however often the page draws itself again (the tab coming back, the minute's check).
    page.evaluate("() => window.dispatchEvent(new Event('focus'))");
    page.clock().fastForward("01:01");
    assertThat(page.locator("#status")).hasText(java.util.regex.Pattern.compile("La salle est ouverte.*"));
    org.assertj.core.api.Assertions.assertThat(((java.util.List<Object>) page.evaluate("() => window.__said"))
        .stream().filter(s -> String.valueOf(s).contains("La salle est ouverte"))).hasSize(1);
    page.context().close();
  }

  /**
   * Her link, opened from the mail, on a line that drops as the appointment is read: "Connexion perdue. Réessayez dans
   * un instant." — not the booking form's "Vos réponses sont gardées": she has answered nothing on this page.
   */
  @Test
  void her_appointment_not_read_on_a_dropped_line_speaks_of_no_answers_she_never_gave() {
    JsonObject booked = book(7, "Honorine Fel", "06 39 98 18 04");
    Page page = web.newPhonePage();
    AtomicInteger reads = new AtomicInteger();
    page.route("**/api/visio/appointments/" + booked.getString("id"), route -> {
      if (reads.incrementAndGet() == 1) {
        route.abort();
      } else {
        route.resume();
      }
    });
    page.navigate(web.url("/rendez-vous.html?gerer#" + booked.getString("manageToken")));
    Locator failed = page.locator("#load-failed");
    assertThat(failed).containsText("Connexion perdue");
    assertThat(failed).not().containsText("réponses");
    failed.getByRole(AriaRole.BUTTON).click();
    assertThat(page.locator("#manage")).containsText(booked.getString("reference"));
    page.context().close();
  }
}
