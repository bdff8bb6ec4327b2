package fr.cantou.identity;

import java.util.Locale;

public enum OrganisationKind {
  EHPAD, MAISON_SANTE, HOPITAL, ADMINISTRATION, FRANCE_SERVICES, TIERS_LIEU;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static OrganisationKind fromCode(String code) {
    return valueOf(code.toUpperCase(Locale.ROOT));
  }

  /** Which kinds of organisation a user of this role may belong to (empty: none). */
  public static boolean accepts(Role role, OrganisationKind kind) {
    return switch (role) {
      case NURSE -> kind == EHPAD || kind == MAISON_SANTE;
      case DOCTOR -> kind == HOPITAL || kind == MAISON_SANTE;
      case AGENT -> kind == ADMINISTRATION;
      case MEDIATOR -> kind == FRANCE_SERVICES || kind == TIERS_LIEU;
      case ADMIN, CITIZEN -> false;
    };
  }
}
