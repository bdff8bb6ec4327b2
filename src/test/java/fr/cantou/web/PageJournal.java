package fr.cantou.web;

import com.microsoft.playwright.Page;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What one page lived through, as its browser saw it: its socket (opened, each message's first characters, closed),
 * its console, its script errors, the requests that failed or were refused. Kept for the test that opened it and
 * printed only when that test fails: a page that waited in vain (FlowsTest on a crowded machine, 7 December 2026) then
 * says whether its snapshot never came, came late or came without the item, instead of one "unexpected value".
 */
final class PageJournal {
  private static final int KEPT_LINES = 300;
  private static final int FRAME_CHARACTERS = 300;
  /** A snapshot whole (up to this), so that a failed test reads whether what it waited for was in it. */
  private static final int SNAPSHOT_CHARACTERS = 20_000;

  private final String name;
  private final Deque<String> lines = new ArrayDeque<>();

  private PageJournal(String name) {
    this.name = name;
  }

  /** Starts writing {@code page}'s journal (named {@code name}) from now. */
  static PageJournal of(Page page, String name) {
    PageJournal journal = new PageJournal(name);
    page.onConsoleMessage(message -> journal.add("console." + message.type() + " " + message.text()));
    page.onPageError(error -> {
      journal.add("script error " + error);
      journal.thrown(page.url().replaceAll("#.*", "#…") + " " + error);
    });
    page.onRequestFailed(request -> journal.add("request failed " + request.method() + " " + request.url() + " "
        + request.failure()));
    page.onResponse(response -> {
      if (response.status() >= 400) {
        journal.add("answered " + response.status() + " " + response.request().method() + " " + response.url());
      }
    });
    page.onWebSocket(socket -> {
      journal.add("socket opened " + socket.url());
      socket.onFrameSent(frame -> journal.add("socket sent " + shortened(frame.text())));
      socket.onFrameReceived(frame -> journal.add("socket received " + shortened(frame.text())));
      socket.onSocketError(error -> journal.add("socket error " + error));
      socket.onClose(closed -> journal.add("socket closed"));
    });
    return journal;
  }

  /** A message's first characters (a snapshot's whole). */
  private static String shortened(String text) {
    if (text == null) {
      return "(binary)";
    }
    text = hidden(text);
    int kept = text.startsWith("{\"type\":\"snapshot\"") ? SNAPSHOT_CHARACTERS : FRAME_CHARACTERS;
    return text.length() <= kept ? text : text.substring(0, kept) + "… (" + text.length() + " characters)";
  }

  /**
   * Tokens hidden, whatever line they are in (a journal is printed in the build's output): the values of keys named
   * like a token, and anything shaped like a JWT.
   */
  private static final java.util.regex.Pattern TOKENS = java.util.regex.Pattern.compile(
      "(\"[A-Za-z]*(?:[Tt]oken|jwt|[Ss]ecret)\"\\s*:\\s*\")[^\"]*\"|eyJ[\\w-]+\\.[\\w-]+\\.[\\w-]*");

  private static String hidden(String line) {
    return TOKENS.matcher(line).replaceAll(found -> found.group(1) == null ? "…JWT…"
        : java.util.regex.Matcher.quoteReplacement(found.group(1) + "…\""));
  }

  /** Errors the page's scripts threw and nothing caught (uncaught exceptions, unhandled rejections), not taken yet. */
  private final java.util.List<String> thrown = new java.util.ArrayList<>();

  private synchronized void thrown(String error) {
    thrown.add(error);
  }

  /** The errors thrown since the last call. */
  synchronized java.util.List<String> takeThrown() {
    java.util.List<String> taken = java.util.List.copyOf(thrown);
    thrown.clear();
    return taken;
  }

  private synchronized void add(String line) {
    if (lines.size() == KEPT_LINES) {
      lines.removeFirst();
    }
    // Written as the node's log writes its instants, so that the two read side by side.
    lines.addLast(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS) + " " + hidden(line));
  }

  /** The journal as printed: its name, then its lines (the last {@value #KEPT_LINES}). */
  synchronized String printed() {
    return "--- page " + name + " ---\n" + String.join("\n", lines) + "\n";
  }
}
