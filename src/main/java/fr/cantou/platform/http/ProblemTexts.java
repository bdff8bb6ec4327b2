package fr.cantou.platform.http;

import com.fasterxml.jackson.core.type.TypeReference;
import fr.cantou.platform.json.Json;
import io.vertx.ext.web.LanguageHeader;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import fr.cantou.platform.text.DateWords;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The words of error answers, in English (written in the code, where they are read) and in
 * French ({@code problems/fr.json}, the English sentence as the key). A sentence holds
 * numbered holes, {@code {0}}, {@code {1}}…, filled with its arguments: a {@link Term} (a
 * status, translated too), a date-time (written the way each language writes it), a nested
 * {@link Phrase}, a list of those (joined by commas), or any value as it is.
 */
public final class ProblemTexts {
  /** A word of the API, such as a status: {@code kind.code} in the French file, the code itself in English. */
  public record Term(String kind, String code) {}

  /** A sentence with holes inside another one. */
  public record Phrase(String pattern, Object... args) {}

  public static final Locale FRENCH = Locale.FRENCH;

  private static final Catalogue FR = load("/problems/fr.json");

  record Catalogue(Map<String, String> texts, Map<String, String> terms) {}

  private ProblemTexts() {}

  /** The sentence in the language asked for: French, or else English. */
  public static String render(Locale locale, String pattern, Object... args) {
    boolean french = FRENCH.getLanguage().equals(locale.getLanguage());
    String text = french ? FR.texts().getOrDefault(pattern, pattern) : pattern;
    for (int i = 0; i < args.length; i++) {
      text = text.replace("{" + i + "}", value(args[i], french));
    }
    return text;
  }

  /** The client's language: the first of French or English in its Accept-Language, else English (the API's). */
  public static Locale languageOf(RoutingContext ctx) {
    for (LanguageHeader language : ctx.acceptableLanguages()) {
      if ("fr".equalsIgnoreCase(language.tag())) {
        return FRENCH;
      }
      if ("en".equalsIgnoreCase(language.tag())) {
        return Locale.ENGLISH;
      }
    }
    return Locale.ENGLISH;
  }

  public static String english(String pattern, Object... args) {
    return render(Locale.ENGLISH, pattern, args);
  }

  private static String value(Object arg, boolean french) {
    Locale locale = french ? FRENCH : Locale.ENGLISH;
    if (arg instanceof Term term) {
      return french ? FR.terms().getOrDefault(term.kind() + "." + term.code(), term.code()) : term.code().replace('_', ' ');
    }
    if (arg instanceof Phrase phrase) {
      return render(locale, phrase.pattern(), phrase.args());
    }
    if (arg instanceof List<?> list) {
      return list.stream().map(item -> value(item, french)).collect(Collectors.joining(", "));
    }
    if (arg instanceof ZonedDateTime || arg instanceof OffsetDateTime) {
      return DateWords.dateAndTime((TemporalAccessor) arg, locale);
    }
    return String.valueOf(arg);
  }

  private static Catalogue load(String resource) {
    try (InputStream in = ProblemTexts.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing " + resource);
      }
      Map<String, Map<String, String>> both = Json.mapper().readValue(in, new TypeReference<>() {});
      return new Catalogue(Map.copyOf(both.get("texts")), Map.copyOf(both.get("terms")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
