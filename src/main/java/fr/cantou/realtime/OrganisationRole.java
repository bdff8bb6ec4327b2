package fr.cantou.realtime;

import java.util.UUID;

/**
 * The users of one role in one organisation (the nurses of a care home, the agents of an
 * administration). Not every member: a maison de santé has nurses and doctors, who do not see
 * the same things. Kept in the event row as {@code "<organisation id>/<role>"}.
 */
public record OrganisationRole(UUID organisation, String role) {

  String encode() {
    return organisation + "/" + role;
  }

  static OrganisationRole decode(String text) {
    int slash = text.indexOf('/');
    return new OrganisationRole(UUID.fromString(text.substring(0, slash)), text.substring(slash + 1));
  }
}
