package fr.cantou.platform.db;

/** The database part of the start failed for a reason its message says in one line (no stack trace needed). */
public final class StartFailed extends RuntimeException {
  public StartFailed(String message, Throwable cause) {
    super(message, cause);
  }

  public StartFailed(String message) {
    super(message);
  }
}
