package fr.cantou.visio;

import fr.cantou.platform.secrets.Secrets;
import fr.cantou.platform.PersonName;
import fr.cantou.platform.PhoneNumbers;
import fr.cantou.platform.http.ApiException;

import java.util.HexFormat;

/**
 * A citizen's name and the ways to reach her, as typed on a booking or a waiting-list form:
 * checked, and written one way (the phone as "06 12 34 56 78" whatever was typed).
 */
record CitizenContact(String name, String email, String phone) {

  /** The contact of a form; fails (400, naming the field) when it is not one. */
  static CitizenContact of(VisioRecords.CitizenBody citizen) {
    return of(citizen, true);
  }

  /**
   * The contact of a booking by {@code who}: reachable through it, or through whoever holds the appointment for her — a
   * point's screen, or the mediator who booked it beside her (with no phone and no e-mail, she leaves with the printed
   * convocation).
   */
  static CitizenContact of(VisioRecords.CitizenBody citizen, Caller who) {
    if (who.principal() != null && !who.mediator() && blankToNull(citizen.email()) == null && blankToNull(citizen.phone()) == null) {
      // An agent or an admin reads this, not her: said to them (the database refuses it too, V96).
      throw ApiException.badRequest("Invalid field 'citizen': give her e-mail address or phone number; only a mediator "
          + "booking beside her may leave both out.");
    }
    return of(citizen, who.screen() == null && !who.mediator());
  }

  /**
   * The same; {@code reachable}: an e-mail or a phone is required. Only a booking at a point's screen, or by a mediator
   * beside her, may have neither (she leaves with her convocation printed; the database allows it only then, V70, V77, V96).
   */
  static CitizenContact of(VisioRecords.CitizenBody citizen, boolean reachable) {
    String email = blankToNull(citizen.email());
    String typedPhone = blankToNull(citizen.phone());
    String phone = typedPhone == null ? null : PhoneNumbers.written(typedPhone).orElse(null);
    if (typedPhone != null && phone == null) {
      throw ApiException.badRequest(
          "Invalid field 'citizen.phone': a phone number such as 06 39 98 12 34 or +33 6 39 98 12 34.");
    }
    if (reachable && email == null && phone == null) {
      throw ApiException.badRequest("Invalid field 'citizen': give an e-mail address or a phone number, to be reached.");
    }
    String name = citizen.name() == null ? null : PersonName.clean(citizen.name()).orElse(null);
    if (name == null) {
      throw ApiException.badRequest("Invalid field 'citizen.name': "
          + "a name on one line, as on a form: letters, spaces, apostrophes, hyphens, commas, parentheses, at most eight words.");
    }
    return new CitizenContact(name, email, phone);
  }

  /**
   * One key per person, whatever way she typed it: a hash of her e-mail address in one canonical
   * form, or without one of her phone number (the raw contact is not needed to compare).
   */
  String key() {
    String canonical = email != null ? "email:" + AnonymousBookings.email(email) : "phone:" + PhoneNumbers.canonical(phone);
    return HexFormat.of().formatHex(Secrets.sha256(canonical));
  }

  static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
