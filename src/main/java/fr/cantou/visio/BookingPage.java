package fr.cantou.visio;

import fr.cantou.platform.Futures;
import fr.cantou.platform.json.Json;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /rendez-vous.html}: the page of {@code webapp/} with the booking's first step written in — the services,
 * each a button of a GET form ({@code ?etape=2&service=<id>}, so a press before the scripts arrive is kept) — and the
 * catalogue (services and points) as a JSON data block the script reads instead of asking. On a 60 kbit/s link with
 * 800 ms of latency the step then reads with the page's heading, about a second after the address was typed, where it
 * used to wait some 16 s for the scripts, the words and two requests (docs/web.md, "Slow links").
 *
 * <p>Anything but the first step ({@code ?etape=3}, a reload in the middle of a booking), or a catalogue that cannot be
 * read, falls through to the page as it is on disk: the script then asks the API, as it always could.
 */
final class BookingPage implements Handler<RoutingContext> {
  /** Where the step goes: the page's empty wizard. */
  private static final String WIZARD = "<div id=\"wizard\"></div>";
  private static final int STEPS = 4;

  private final Vertx vertx;
  private final String webRoot;
  private final CatalogueService catalogue;
  /** The page and its French words, read once (the files of a deployment do not change under it). */
  private final java.util.concurrent.atomic.AtomicReference<Future<Map.Entry<String, JsonObject>>> files =
      new java.util.concurrent.atomic.AtomicReference<>();

  BookingPage(Vertx vertx, String webRoot, CatalogueService catalogue) {
    this.vertx = vertx;
    this.webRoot = webRoot;
    this.catalogue = catalogue;
  }

  /**
   * The page of an appointment (its manage link, a dead link's explanation, the lost-link form): what follows its
   * {@code #} never reaches the server, so its links say it here — without it, the booking's first step showed in the
   * citizen's own page until the scripts came, a new booking one press away.
   */
  static final String MANAGE = "/rendez-vous.html?gerer";

  /** The page of the appointment whose manage token this is. */
  static String manageLink(String manageToken) {
    return MANAGE + "#" + manageToken;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String step = ctx.queryParams().get("etape");
    if (ctx.queryParams().contains("gerer") || step != null && !"1".equals(step)) {
      ctx.next();
      return;
    }
    // The files are read once for every loop: the answer goes on on this request's own loop.
    Futures.onCallersContext(Future.all(files(), catalogue.services(), catalogue.points()))
        .onFailure(e -> ctx.next())
        .onSuccess(all -> {
          String html;
          try {
            html = page(all.resultAt(0), all.resultAt(1), all.resultAt(2));
          } catch (RuntimeException e) {
            // Words not as expected (a key renamed in fr.json): the page on disk, never a request left unanswered.
            html = null;
          }
          if (html == null) {
            ctx.next();
            return;
          }
          ctx.response()
              .putHeader("Content-Type", "text/html;charset=UTF-8")
              // The catalogue may change: asked again each time (small, and compressed).
              .putHeader("Cache-Control", "no-cache")
              .end(html);
        });
  }

  /** The page with the step and the catalogue written in; null when there is nothing to write (no services). */
  private static String page(Map.Entry<String, JsonObject> file, List<VisioRecords.Service> services,
                             List<VisioRecords.Point> points) {
    if (!file.getKey().contains(WIZARD) || services.isEmpty()) {
      return null;
    }
    return file.getKey().replace(WIZARD, "<div id=\"wizard\">" + firstStep(file.getValue(), services) + "</div>\n"
        + "    <script type=\"application/json\" id=\"booking-data\">" + data(services, points) + "</script>");
  }

  /** Read once and shared by every event loop, without a lock (a failed read is tried again by the next request). */
  private Future<Map.Entry<String, JsonObject>> files() {
    Future<Map.Entry<String, JsonObject>> known = files.get();
    if (known != null && !known.failed()) {
      return known;
    }
    Future<Map.Entry<String, JsonObject>> reading = Future.all(vertx.fileSystem().readFile(webRoot + "/rendez-vous.html"),
            vertx.fileSystem().readFile(webRoot + "/i18n/fr.json"))
        .map(both -> Map.entry(both.<Buffer>resultAt(0).toString(), new JsonObject(both.<Buffer>resultAt(1))));
    return files.compareAndSet(known, reading) ? reading : files.get();
  }

  /** The step as the script draws it ({@code screen} and {@code showServices} of js/booking.js), in a GET form. */
  private static String firstStep(JsonObject french, List<VisioRecords.Service> services) {
    JsonObject booking = french.getJsonObject("booking");
    StringBuilder html = new StringBuilder("<form class=\"served-step\" method=\"get\" action=\"/rendez-vous.html\">")
        .append("<p class=\"stepper\" id=\"stepper\">")
        .append(escape(booking.getString("step").replace("{n}", "1").replace("{of}", String.valueOf(STEPS))))
        .append("</p><div class=\"steps\" aria-hidden=\"true\"><span class=\"done\"></span>")
        .append("<span></span>".repeat(STEPS - 1)).append("</div>")
        .append("<h2 tabindex=\"-1\" aria-describedby=\"stepper\">").append(escape(booking.getString("whichService")))
        .append("</h2><input type=\"hidden\" name=\"etape\" value=\"2\">");
    for (VisioRecords.Service s : services) {
      html.append("<div class=\"card\"><button type=\"submit\" class=\"big\" name=\"service\" value=\"").append(escape(s.id()))
          .append("\">").append(escape(s.name())).append("<span class=\"sr-only\"> — ").append(escape(s.administration()))
          .append("</span></button><p class=\"muted\">").append(escape(s.administration())).append(" · ")
          .append(escape(booking.getString("minutes").replace("{n}", String.valueOf(s.durationMinutes())))).append("</p>");
      if (s.description() != null && !s.description().isEmpty()) {
        html.append("<p>").append(escape(s.description())).append("</p>");
      }
      if (s.documents() != null && !s.documents().isEmpty()) {
        html.append("<details><summary>").append(escape(booking.getString("toBring"))).append("</summary><ul>");
        s.documents().forEach(d -> html.append("<li>").append(escape(d)).append("</li>"));
        html.append("</ul></details>");
      }
      html.append("</div>");
    }
    return html.append("</form>").toString();
  }

  /** The catalogue as the API gives it, safe inside a script element ("<" written as its escape). */
  static String data(List<VisioRecords.Service> services, List<VisioRecords.Point> points) {
    return Json.encode(Map.of("services", services, "points", points)).toString().replace("<", "\\u003c");
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
