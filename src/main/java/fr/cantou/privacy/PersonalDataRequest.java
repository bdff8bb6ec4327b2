package fr.cantou.privacy;

/**
 * An admin's RGPD request for a person: a citizen by the e-mail or the phone she gave, or a
 * patient by the reference her care home gave her; the reason the admin typed is audited.
 */
public record PersonalDataRequest(String email, String phone, String appointmentReference, String patientReference,
                                  String careHomeId, String reason) {}
