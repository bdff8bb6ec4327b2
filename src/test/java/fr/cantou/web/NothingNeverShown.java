package fr.cantou.web;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After each test of a page test class: no page of its {@link BrowserFixture} showed "null", "undefined", "NaN",
 * "[object Object]" or "Invalid Date", whatever the journey ({@code @ExtendWith(NothingNeverShown.class)}).
 */
final class NothingNeverShown implements AfterEachCallback {
  @Override
  public void afterEach(ExtensionContext context) {
    BrowserFixture.assertNothingNeverShownWasShown(context.getDisplayName());
  }
}
