package fr.cantou.teleconsult;

/** The lifecycle: queued → assigned → in_call → completed; queued → cancelled; assigned → queued. */
final class Status {
  static final String QUEUED = "queued";
  static final String ASSIGNED = "assigned";
  static final String IN_CALL = "in_call";
  static final String COMPLETED = "completed";
  static final String CANCELLED = "cancelled";
  /** "any" specialty, and the wider pool that sees escalated requests. */
  static final String GENERAL_PRACTICE = "medecine_generale";

  private Status() {}
}
