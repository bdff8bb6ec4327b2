package fr.cantou.identity;

import java.util.List;

/** Request bodies of the identity API (validated by the OpenAPI document first). */
final class Requests {
  private Requests() {}

  record Login(String email, String password) {}

  record Refresh(String refreshToken, String answerKey, String answerSecret) {}

  record PasswordChange(String currentPassword, String newPassword) {}

  record PasswordReset(String email) {}

  record PasswordResetConfirm(String token, String newPassword) {}

  record PasswordLinkCheck(String token) {}

  record NewOrganisation(String kind, String name, String commune, String timeZone, String phone) {}

  record NewUser(String email, String password, String role, String displayName, String organisationId,
                 List<String> specialties) {}

  record NewSpecialty(String code, String label) {}
}
