package fr.cantou.notify;

import org.slf4j.Logger;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * In the demo only, the links of a message written to the log instead of sent (her manage link, the short link of an
 * SMS, a guest's invitation): without them a tester could not follow a citizen past her booking page — the demo's
 * bookings by phone, a link renewed, a waiting list's offer, a guest invited. Never outside the demo: a link opens an
 * appointment or a call, and the log is read by more people than the one it was for.
 */
final class DemoLinks {
  private static final Pattern LINK = Pattern.compile("https?://\\S+");
  /** What ends a sentence after a link, not the link ("… : https://…/r/CPAM-X.abc." ). */
  private static final Pattern TRAILING = Pattern.compile("[.,;:!?)»\"']+$");

  private DemoLinks() {}

  /** Each link of a message's text, in order, without the punctuation that follows it. */
  static List<String> in(String text) {
    if (text == null) {
      return List.of();
    }
    Matcher links = LINK.matcher(text);
    List<String> found = new java.util.ArrayList<>();
    while (links.find()) {
      found.add(TRAILING.matcher(links.group()).replaceAll(""));
    }
    return found;
  }

  /** One line a link: `event=demo_link channel=mail to=… link=…`. */
  static void log(Logger log, String channel, String maskedTo, String text) {
    for (String link : in(text)) {
      log.info("event=demo_link channel={} to={} link={}", channel, maskedTo, link);
    }
  }
}
