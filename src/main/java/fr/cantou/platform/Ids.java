package fr.cantou.platform;

import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.ProblemTexts;

import java.util.UUID;

/** The one parser of the ids clients send (as strings): in a path, a body or a query. */
public final class Ids {
  private Ids() {}

  /** An id in a path: one that is not a UUID names nothing, hence 404 ("No {what} with this id."). */
  public static UUID parse(String id, String what) {
    try {
      if (id == null || id.length() != 36) {
        throw new IllegalArgumentException();
      }
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw ApiException.notFound("No {0} with this id.", new ProblemTexts.Term("thing", what));
    }
  }

  /** An id in a field of a body or a query: one that is not a UUID is a bad request naming the field. */
  public static UUID field(String value, String field) {
    try {
      if (value == null || value.length() != 36) {
        throw new IllegalArgumentException();
      }
      return UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("Invalid field '{0}': not an id.", field);
    }
  }
}
