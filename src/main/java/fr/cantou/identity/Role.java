package fr.cantou.identity;

import java.util.Locale;

/** The one role of a user; what each may do is in DESIGN.md and in each feature's rights class. */
public enum Role {
  ADMIN, NURSE, DOCTOR, AGENT, MEDIATOR, CITIZEN;

  /** Made once: every socket asks it of every event (a fan-out's profile had it at 10 % of the pushes). */
  private final String code = name().toLowerCase(Locale.ROOT);

  public String code() {
    return code;
  }

  public static Role fromCode(String code) {
    return valueOf(code.toUpperCase(Locale.ROOT));
  }
}
