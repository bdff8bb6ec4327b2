package fr.cantou.platform.http;

import io.vertx.core.json.JsonObject;

import java.util.Locale;

/**
 * RFC 9457 problem document: what every error answer carries. {@code field}, when the refusal is
 * about one field of the body ("citizen.email"), lets a page show its own words under that field
 * instead of the detail.
 */
public record Problem(int status, String title, String detail, String field, String kind) {
  public static final String MEDIA_TYPE = "application/problem+json";

  public Problem(int status, String title, String detail, String field) {
    this(status, title, detail, field, null);
  }

  /** Its type: by its status, or by its kind when it has one ({@link ApiException#kind(String)}). */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("type", "https://cantou.fr/problems/" + (kind == null ? String.valueOf(status) : kind))
        .put("title", title)
        .put("status", status)
        .put("detail", detail);
    return field == null ? json : json.put("field", field);
  }

  /** The refusal in the client's language, naming its field when it is about one. */
  public static Problem of(ApiException refusal, Locale language) {
    return new Problem(refusal.status(), titleFor(refusal.status()), refusal.detail(language), refusal.field(), refusal.kind());
  }

  static String titleFor(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 408 -> "Request Timeout";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 429 -> "Too Many Requests";
      case 503 -> "Service Unavailable";
      default -> status >= 500 ? "Internal Server Error" : "Error";
    };
  }
}
