package fr.cantou.platform.config;

import java.net.URI;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Set;

/**
 * Typed reads of a {@link ConfigSource}; each failure names the key and its variable. Platform's
 * sections are read into {@link CantouConfig}; each feature reads its own section from
 * {@link CantouConfig#settings()} into its own record (TeleconsultConfig, VisioConfig).
 */
public final class Settings {
  private final ConfigSource source;

  Settings(ConfigSource source) {
    this.source = source;
  }

  public String text(String key) {
    return source.raw(key);
  }

  public String requiredText(String key) {
    String value = text(key);
    if (value.isEmpty()) {
      throw invalid(key, "must not be empty", value);
    }
    return value;
  }

  public int intIn(String key, int min, int max) {
    String value = text(key);
    try {
      int parsed = Integer.parseInt(value);
      if (parsed < min || parsed > max) {
        throw invalid(key, "must be a whole number from " + min + " to " + max, value);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw invalid(key, "must be a whole number from " + min + " to " + max, value);
    }
  }

  public boolean bool(String key) {
    String value = text(key).toLowerCase(Locale.ROOT);
    return switch (value) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0", "" -> false;
      default -> throw invalid(key, "must be true or false", value);
    };
  }

  public String oneOf(String key, Set<String> allowed) {
    String value = text(key).toLowerCase(Locale.ROOT);
    if (!allowed.contains(value)) {
      throw invalid(key, "must be one of " + String.join(", ", allowed), value);
    }
    return value;
  }

  public ZoneId zone(String key) {
    String value = text(key);
    try {
      return ZoneId.of(value);
    } catch (DateTimeException e) {
      throw invalid(key, "must be a time zone such as Europe/Paris", value);
    }
  }

  public URI httpUrl(String key) {
    String value = text(key);
    try {
      URI uri = URI.create(value);
      if (uri.getHost() == null || !(value.startsWith("http://") || value.startsWith("https://"))) {
        throw invalid(key, "must be an http(s) URL", value);
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw invalid(key, "must be an http(s) URL", value);
    }
  }

  public ConfigException invalid(String key, String rule, String value) {
    boolean secret = key.toLowerCase(Locale.ROOT).contains("password") || key.toLowerCase(Locale.ROOT).contains("secret")
        || key.toLowerCase(Locale.ROOT).contains("key");
    String shown = secret ? "(hidden)" : "\"" + value + "\"";
    return new ConfigException("Configuration error: " + source.origin(key) + " " + rule + ", got " + shown);
  }
}
