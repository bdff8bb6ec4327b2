package fr.cantou.platform.http;

import java.util.Locale;

/**
 * A refusal the client can act on: a status and a sentence in English with numbered holes
 * ({@link ProblemTexts}), answered in the client's language. The message (for logs) is English.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String pattern;
  private final transient Object[] args;
  /** Seconds after which trying again makes sense (Retry-After); 0 when not said. */
  private final long retryAfterSeconds;
  /** What a page tells apart from the other refusals of its status ({@link #kind(String)}); null for most. */
  private final String kind;

  public ApiException(int status, String pattern, Object... args) {
    this(status, 0, null, pattern, args);
  }

  private ApiException(int status, long retryAfterSeconds, String kind, String pattern, Object... args) {
    super(ProblemTexts.english(pattern, args), null, false, false);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
    this.kind = kind;
    this.pattern = pattern;
    this.args = args.clone();
  }

  public int status() {
    return status;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The same refusal, saying when to try again. */
  public ApiException retryAfter(long seconds) {
    return new ApiException(status, Math.max(1, seconds), kind, pattern, args);
  }

  /**
   * The same refusal, named for the pages that act on it otherwise than on its status (the problem's {@code type}
   * ends with it: ".../problems/booking-made"): a booking's 409 "made already" is not a slot taken.
   */
  public ApiException kind(String name) {
    return new ApiException(status, retryAfterSeconds, name, pattern, args);
  }

  /** Its name ({@link #kind(String)}), or null. */
  public String kind() {
    return kind;
  }

  private static final java.util.regex.Pattern FIELD = java.util.regex.Pattern.compile("^(?:Invalid|Unknown|Missing) field '([^']+)'");

  /** The field of the body this refusal is about ("citizen.email"), or null: read from its English sentence. */
  public String field() {
    java.util.regex.Matcher m = FIELD.matcher(getMessage());
    return m.find() ? m.group(1) : null;
  }

  /** The sentence and its holes, to say in the client's language elsewhere than an HTTP answer (a WebSocket's error). */
  public ProblemTexts.Phrase phrase() {
    return new ProblemTexts.Phrase(pattern, args);
  }

  public String detail(Locale locale) {
    return ProblemTexts.render(locale, pattern, args);
  }

  public static ApiException badRequest(String pattern, Object... args) {
    return new ApiException(400, pattern, args);
  }

  public static ApiException unauthorized(String pattern, Object... args) {
    return new ApiException(401, pattern, args);
  }

  public static ApiException forbidden(String pattern, Object... args) {
    return new ApiException(403, pattern, args);
  }

  public static ApiException notFound(String pattern, Object... args) {
    return new ApiException(404, pattern, args);
  }

  public static ApiException conflict(String pattern, Object... args) {
    return new ApiException(409, pattern, args);
  }

  public static ApiException tooManyRequests(String pattern, Object... args) {
    return new ApiException(429, pattern, args);
  }
}
