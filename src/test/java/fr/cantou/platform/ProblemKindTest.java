package fr.cantou.platform;

import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.Problem;
import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A refusal a page must tell apart from the others of its status carries its name in the problem's type: the booking
 * page offered "Choisir un autre créneau" after a 409 that said her booking existed, as after a slot taken.
 */
class ProblemKindTest {
  @Test
  void a_named_refusal_says_its_name_in_its_type_and_the_others_their_status() {
    ApiException made = ApiException.conflict("This booking was made already.").kind("booking-made");
    assertThat(Problem.of(made, Locale.FRENCH).toJson().getString("type")).isEqualTo("https://cantou.fr/problems/booking-made");
    assertThat(Problem.of(made, Locale.FRENCH).toJson().getInteger("status")).isEqualTo(409);
    assertThat(Problem.of(made.retryAfter(3), Locale.FRENCH).toJson().getString("type")).as("kept when told to wait")
        .endsWith("/booking-made");
    assertThat(Problem.of(ApiException.conflict("This booking was made already."), Locale.FRENCH).toJson().getString("type"))
        .isEqualTo("https://cantou.fr/problems/409");
  }
}
