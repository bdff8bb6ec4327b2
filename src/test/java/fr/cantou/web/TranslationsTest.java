package fr.cantou.web;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pages' two languages, read from the files as served (no browser): a key the code names
 * and one language lacks shows the key itself to the person ({@code t()} falls back to it).
 */
class TranslationsTest {
  private static final Path WEBAPP = Path.of("webapp");
  /** {@code t('a.b')}, {@code t("a.b")} and a template without a placeholder: {@code t(`a.b`)}. */
  private static final Pattern CALLED = Pattern.compile("\\bt\\(\\s*(['\"`])([a-zA-Z][\\w]*(?:\\.[\\w]+)+)\\1");
  /** A key built from a value ({@code t(`role.${u.role}`)}): its prefix must exist as a group. */
  private static final Pattern BUILT = Pattern.compile("\\bt\\(\\s*`([a-zA-Z][\\w]*(?:\\.[\\w]+)*)\\.\\$\\{");
  private static final Pattern ATTRIBUTE = Pattern.compile("data-i18n(?:-label|-title)?=\"([^\"]+)\"");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");

  @Test
  void french_and_english_have_the_same_keys_with_the_same_placeholders() throws IOException {
    Map<String, String> french = leaves(language("fr"));
    Map<String, String> english = leaves(language("en"));
    assertThat(english.keySet()).as("keys of en.json").isEqualTo(french.keySet());
    french.forEach((key, text) -> assertThat(placeholders(english.get(key))).as("placeholders of " + key)
        .isEqualTo(placeholders(text)));
    french.forEach((key, text) -> assertThat(text).as(key).isNotBlank());
  }

  @Test
  void every_key_the_pages_and_scripts_name_exists_in_both_languages() throws IOException {
    JsonObject french = language("fr");
    JsonObject english = language("en");
    Set<String> named = new TreeSet<>();
    Set<String> groups = new TreeSet<>();
    for (Path file : files("js", ".js")) {
      String code = Files.readString(file);
      collect(CALLED.matcher(code), 2, named);
      collect(BUILT.matcher(code), 1, groups);
    }
    for (Path file : files("", ".html")) {
      collect(ATTRIBUTE.matcher(Files.readString(file)), 1, named);
    }
    assertThat(named).as("keys found in the code: the patterns still match it").hasSizeGreaterThan(200);
    List<String> missing = new ArrayList<>();
    for (String key : named) {
      for (var entry : Map.of("fr", french, "en", english).entrySet()) {
        if (!(at(entry.getValue(), key) instanceof String)) {
          missing.add(entry.getKey() + ": " + key);
        }
      }
    }
    for (String group : groups) {
      for (var entry : Map.of("fr", french, "en", english).entrySet()) {
        if (!(at(entry.getValue(), group) instanceof JsonObject)) {
          missing.add(entry.getKey() + ": " + group + ".*");
        }
      }
    }
    assertThat(missing).isEmpty();
  }

  /**
   * Three shells: the public pages (citizen's help line), the staff's (who is signed in, sign out), and a point's
   * shared screen (no account, no link away from it: its help is the place's reception).
   */
  @Test
  void the_pages_share_their_header_and_footer() throws IOException {
    Map<String, Set<String>> shells = new TreeMap<>();
    for (Path page : files("", ".html")) {
      String html = Files.readString(page);
      String shell = block(html, "<header class=\"top\"", "</header>") + block(html, "<footer", "</footer>");
      shells.computeIfAbsent(shell, s -> new TreeSet<>()).add(page.getFileName().toString());
    }
    assertThat(shells.values()).as("pages grouped by identical header and footer").containsExactlyInAnyOrder(
        Set.of("index.html", "rendez-vous.html", "connexion.html", "accessibilite.html", "mentions-legales.html",
            "donnees-personnelles.html", "liste-attente.html", "invitation.html", "mot-de-passe-oublie.html",
            "nouveau-mot-de-passe.html"),
        Set.of("infirmiere.html", "medecin.html", "agent.html", "mediateur.html", "admin.html", "mot-de-passe.html"),
        Set.of("kiosque.html"));
  }

  /**
   * One head for every page: the same lines (charset, viewport, stylesheet, icon), its title, its one module script, and a
   * {@code modulepreload} for every module that script imports, directly or not, and no other. So a page asks for all
   * its scripts as soon as its head is read — one round trip on a slow link, instead of one per level of imports
   * (60 kbit/s, 800 ms: the booking's scripts took 3 levels, some 6 s, before; LastMileSlowLinkTest).
   */
  @Test
  void every_page_has_the_one_head_and_asks_for_its_whole_module_graph_at_once() throws IOException {
    Pattern script = Pattern.compile("<script type=\"module\" src=\"/js/([\\w-]+\\.js)\"></script>");
    Pattern preload = Pattern.compile("<link rel=\"modulepreload\" href=\"/js/([\\w-]+\\.js)\">");
    for (Path page : files("", ".html")) {
      String head = block(Files.readString(page), "<head>", "</head>");
      assertThat(head).as(page.toString()).contains("<meta charset=\"utf-8\">",
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
          "<link rel=\"stylesheet\" href=\"/css/cantou.css\">", "<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">")
          .containsPattern("<title data-i18n=\"title\\.\\w+\">[^<]*Cantou[^<]*</title>");
      Matcher main = script.matcher(head);
      assertThat(main.find()).as(page + " has its module script").isTrue();
      Set<String> preloaded = new TreeSet<>();
      collect(preload.matcher(head), 1, preloaded);
      assertThat(preloaded).as(page + ": the modules its script imports").isEqualTo(imports(main.group(1)));
    }
  }

  /** The modules a module imports statically, directly or through others (a dynamic import() is not preloaded). */
  private static Set<String> imports(String module) throws IOException {
    Pattern imported = Pattern.compile("^import [^;]*? from '\\./([\\w-]+\\.js)';", Pattern.MULTILINE);
    Set<String> seen = new TreeSet<>();
    List<String> todo = new ArrayList<>(List.of(module));
    while (!todo.isEmpty()) {
      Matcher m = imported.matcher(Files.readString(WEBAPP.resolve("js").resolve(todo.remove(0))));
      while (m.find()) {
        if (!m.group(1).equals(module) && seen.add(m.group(1))) {
          todo.add(m.group(1));
        }
      }
    }
    return seen;
  }

  private static String block(String html, String start, String end) {
    int from = html.indexOf(start);
    assertThat(from).as(start).isNotNegative();
    return html.substring(from, html.indexOf(end, from) + end.length());
  }

  private static void collect(Matcher m, int group, Set<String> into) {
    while (m.find()) {
      into.add(m.group(group));
    }
  }

  private static List<Path> files(String folder, String suffix) throws IOException {
    try (Stream<Path> list = Files.list(WEBAPP.resolve(folder))) {
      return list.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
    }
  }

  private static JsonObject language(String code) throws IOException {
    return new JsonObject(Files.readString(WEBAPP.resolve("i18n").resolve(code + ".json")));
  }

  private static Object at(JsonObject root, String key) {
    Object node = root;
    for (String part : key.split("\\.")) {
      if (!(node instanceof JsonObject object)) {
        return null;
      }
      node = object.getValue(part);
    }
    return node;
  }

  private static Map<String, String> leaves(JsonObject root) {
    Map<String, String> leaves = new TreeMap<>();
    walk("", root, leaves);
    return leaves;
  }

  private static void walk(String prefix, JsonObject node, Map<String, String> into) {
    for (String name : node.fieldNames()) {
      Object value = node.getValue(name);
      if (value instanceof JsonObject child) {
        walk(prefix + name + ".", child, into);
      } else {
        into.put(prefix + name, String.valueOf(value));
      }
    }
  }

  private static Set<String> placeholders(String text) {
    Set<String> names = new TreeSet<>();
    collect(PLACEHOLDER.matcher(text == null ? "" : text), 1, names);
    return names;
  }
}
