package fr.cantou.platform.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Flat view of the settings: the YAML defaults, each overridden by its CANTOU_* variable.
 * Keys are the YAML paths ("jitsi.appSecret"); every key must exist in the YAML, so a
 * variable can only override a documented setting.
 */
public final class ConfigSource {
  static final String DEFAULT_FILE = "config/cantou.yaml";

  private final Map<String, String> values = new LinkedHashMap<>();
  private final Map<String, String> origins = new LinkedHashMap<>();

  private ConfigSource() {}

  /** Reads the file named by CANTOU_CONFIG, else config/cantou.yaml, else the copy on the class path. */
  public static ConfigSource load(Map<String, String> env) {
    String file = env.getOrDefault("CANTOU_CONFIG", DEFAULT_FILE);
    JsonNode tree = readTree(file, env.containsKey("CANTOU_CONFIG"));
    ConfigSource source = new ConfigSource();
    source.flatten("", tree);
    source.overrideFrom(env);
    return source;
  }

  private static JsonNode readTree(String file, boolean explicit) {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    Path path = Path.of(file);
    try {
      if (Files.isRegularFile(path)) {
        try (InputStream in = Files.newInputStream(path)) {
          return require(yaml.readTree(in), file);
        }
      }
      if (explicit) {
        throw new ConfigException("Configuration error: CANTOU_CONFIG names " + file + ", which is not a readable file");
      }
      try (InputStream in = ConfigSource.class.getClassLoader().getResourceAsStream("cantou.yaml")) {
        if (in == null) {
          throw new ConfigException("Configuration error: neither " + file + " nor cantou.yaml on the class path");
        }
        return require(yaml.readTree(in), "cantou.yaml");
      }
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " line " + e.getLocation().getLineNr();
      throw new ConfigException("Configuration error: " + file + where + " is not valid YAML: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException("Configuration error: cannot read " + file + ": " + e.getMessage());
    }
  }

  private static JsonNode require(JsonNode tree, String file) {
    if (tree == null || !tree.isObject()) {
      throw new ConfigException("Configuration error: " + file + " must hold a mapping of settings");
    }
    return tree;
  }

  private void flatten(String prefix, JsonNode node) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue());
      }
    } else {
      values.put(prefix, node.isNull() ? "" : node.asText());
      origins.put(prefix, prefix + " (" + variableFor(prefix) + ")");
    }
  }

  private void overrideFrom(Map<String, String> env) {
    for (String key : values.keySet()) {
      String variable = variableFor(key);
      String value = env.get(variable);
      if (value != null) {
        values.put(key, value);

      }
    }
  }

  /** jitsi.appSecret → CANTOU_JITSI_APP_SECRET. */
  public static String variableFor(String key) {
    String snake = key.replace('.', '_').replaceAll("([a-z0-9])([A-Z])", "$1_$2");
    return "CANTOU_" + snake.toUpperCase(Locale.ROOT);
  }

  String raw(String key) {
    String value = values.get(key);
    if (value == null) {
      throw new ConfigException("Configuration error: the setting " + key + " is missing from the configuration file");
    }
    return value.trim();
  }

  String origin(String key) {
    return origins.getOrDefault(key, key);
  }
}
