package fr.cantou.platform;

import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.ProblemTexts;

import java.util.UUID;

/** Ids travel as strings; an id that is not a UUID names nothing, hence 404. */
public final class Ids {
  private Ids() {}

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
}
