package fr.cantou.notify;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SmtpMailer.NotSent masks the addresses a refusal repeats, the citizens' and the staff's: the mail job also sends the
 * staff's mails (StaffAccountMails) to addresses the accounts' API takes with a looser rule
 * ({@code ^[^@\s]+@[^@\s]+$}, docs/openapi.yaml): an intranet domain without a dot, an address literal (outside
 * review r25: the citizens' rule left them whole in last_error and in the WARN line).
 */
class SmtpRefusalMaskTest {

  private static String masked(String refusal) {
    return new SmtpMailer.NotSent(new RuntimeException(refusal)).getMessage();
  }

  @Test
  void a_staff_address_on_an_intranet_domain_is_masked_in_a_refusal() {
    // Accepted by POST /api/admin/users' pattern: an internal relay's domain, no dot.
    assertThat(masked("recipient address not accepted: 550 5.1.1 <paul.martin@chu-aurillac>: Recipient address rejected"))
        .doesNotContain("paul.martin");
  }

  @Test
  void a_staff_address_literal_is_masked_in_a_refusal() {
    assertThat(masked("recipient address not accepted: 550 5.1.1 <paul.martin@[192.0.2.10]>: Recipient address rejected"))
        .doesNotContain("paul.martin");
  }

  /** What held: the citizens' spellings, as Postfix, Exchange and sendmail repeat them. */
  @Test
  void the_citizens_spellings_are_masked_however_the_server_repeats_them() {
    for (String address : java.util.List.of("jeanne.vidal@example.fr", "JEANNE.VIDAL@EXAMPLE.FR", "\"jeanne\"@example.fr",
        "jeanne@exämple.fr", "jeanne+rdv@mairie.example.fr", "jeanne.vidal@example.fr.")) {
      for (String refusal : java.util.List.of("550 5.1.1 <%s>: Recipient address rejected",
          "550 5.1.1 RESOLVER.ADR.RecipientNotFound; Recipient %s not found by SMTP address lookup",
          "550 5.1.1 %s... User unknown", "550-5.1.1 <%s>: first line\n550 5.1.1 <%s> second line",
          "550 5.1.1 RCPT TO:<%s> refused")) {
        String text = refusal.replace("%s", address);
        String local = address.substring(0, address.indexOf('@'));
        assertThat(masked(text)).as(text).doesNotContain(address).doesNotContain(local + "@").contains("550");
      }
    }
  }
}
