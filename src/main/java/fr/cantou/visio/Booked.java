package fr.cantou.visio;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * What a booking answers: the appointment and, only here, its manage token and the short path of its manage page
 * ({@code /r/REFERENCE.code}, as SMS carry it), which her printed convocation shows: typed from paper, the manage link's
 * 130 characters were out of reach. The QR code of her reference is a picture of its own ({@link Convocation}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Booked(@JsonUnwrapped Appointment appointment, String manageToken, String shortLink) {

  /** The answer with the links of the appointment's present version. */
  static Booked withLinks(Appointment a, ManageTokens tokens) {
    return new Booked(a, tokens.issue(a),
        "/r/" + a.reference() + "." + tokens.shortCode(java.util.UUID.fromString(a.id()), a.manageTokenVersion()));
  }

  /**
   * What a request that made this appointment answers when sent again (a booking's replay, her waiting place's offer
   * taken again): its links only while they are still the first ones. Once the citizen asked for new links (the old
   * ones lost or seen by someone), whoever holds the original request or her place's link must not get the new ones.
   */
  static Booked again(Appointment a, ManageTokens tokens) {
    return a.manageTokenVersion() == 0 ? withLinks(a, tokens) : new Booked(a, null, null);
  }
}
