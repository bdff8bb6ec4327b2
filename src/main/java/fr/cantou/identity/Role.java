package fr.cantou.identity;

import java.util.Locale;

/** The one role of a user; what each may do is in DESIGN.md and in each feature's rights class. */
public enum Role {
  ADMIN, NURSE, DOCTOR, AGENT, MEDIATOR, CITIZEN;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role fromCode(String code) {
    return valueOf(code.toUpperCase(Locale.ROOT));
  }
}
