package fr.cantou.platform.http;

import io.vertx.core.json.JsonObject;

/** RFC 9457 problem document: what every error answer carries. */
public record Problem(int status, String title, String detail) {
  public static final String MEDIA_TYPE = "application/problem+json";

  public JsonObject toJson() {
    return new JsonObject()
        .put("type", "https://cantou.fr/problems/" + status)
        .put("title", title)
        .put("status", status)
        .put("detail", detail);
  }

  public static Problem of(int status, String detail) {
    return new Problem(status, titleFor(status), detail);
  }

  static String titleFor(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 429 -> "Too Many Requests";
      case 503 -> "Service Unavailable";
      default -> status >= 500 ? "Internal Server Error" : "Error";
    };
  }
}
