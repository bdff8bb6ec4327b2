package fr.cantou.platform.config;

/** A setting is missing or malformed: start-up stops with this one-line message. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
