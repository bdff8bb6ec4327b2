package fr.cantou.web;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * The page's own question before what cannot be taken back (ui.js {@code ask}): a modal dialog whose two buttons say
 * what they do, the safe one focused first. Answered as a person would, by pressing one of them.
 */
final class Question {
  private Question() {}

  /** The question now open on the page. */
  static Locator of(Page page) {
    Locator dialog = page.locator("dialog.ask[open]");
    assertThat(dialog).isVisible();
    return dialog;
  }

  /** Presses its first button ("Oui, annuler le rendez-vous"); answers the question it asked. */
  static String accept(Page page) {
    return answer(page, 0);
  }

  /** Presses its second button ("Non, garder le rendez-vous"), which had the focus; answers the question it asked. */
  static String decline(Page page) {
    return answer(page, 1);
  }

  private static String answer(Page page, int button) {
    Locator dialog = of(page);
    assertThat(dialog.locator("button").nth(1)).isFocused();
    String question = dialog.locator(".question").textContent();
    dialog.locator("button").nth(button).click();
    assertThat(page.locator("dialog.ask")).hasCount(0);
    return question;
  }
}
