package fr.cantou.platform;

import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.ProblemTexts;

import java.util.Optional;
import java.util.UUID;

/** The one parser of the ids clients send (as strings): in a path, a body, a query or a socket message. */
public final class Ids {
  private Ids() {}

  /** An id in a path: one that is not a UUID names nothing, hence 404 ("No {what} with this id."). */
  public static UUID parse(String id, String what) {
    return uuid(id).orElseThrow(() -> ApiException.notFound("No {0} with this id.", new ProblemTexts.Term("thing", what)));
  }

  /** An id in a field of a body, a query or a message: one that is not a UUID is a bad request naming the field. */
  public static UUID field(String value, String field) {
    return uuid(value).orElseThrow(() -> ApiException.badRequest("Invalid field '{0}': not an id.", field));
  }

  /** An id in the canonical form (36 characters), or empty: for a caller that says itself what a wrong one means. */
  public static Optional<UUID> uuid(String value) {
    if (value == null || value.length() != 36) {
      return Optional.empty();
    }
    try {
      return Optional.of(UUID.fromString(value));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
