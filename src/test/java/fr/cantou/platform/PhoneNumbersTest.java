package fr.cantou.platform;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Phone numbers as people type them, read as one number and written one way. */
class PhoneNumbersTest {
  @Test
  void a_french_number_typed_any_way_is_written_the_french_way() {
    for (String typed : new String[] {"0639981234", "06 39 98 12 34", "06.39.98.12.34", "06-39-98-12-34", "+33 6 39 98 12 34",
        "+33 (0)6 39 98 12 34", "0033 6 39 98 12 34", "06\u00A039\u00A098\u00A012\u00A034", " 06 39 98 12 34 "}) {
      assertThat(PhoneNumbers.written(typed)).as(typed).contains("06 39 98 12 34");
      assertThat(PhoneNumbers.canonical(typed.trim())).as(typed).isEqualTo("+33639981234");
    }
  }

  @Test
  void another_country_keeps_its_digits_and_words_are_refused() {
    assertThat(PhoneNumbers.written("+49 176 1234 5678")).contains("+4917612345678");
    assertThat(PhoneNumbers.written("appelez-moi")).isEmpty();
    assertThat(PhoneNumbers.written("06 39")).isEmpty();
    assertThat(PhoneNumbers.written("06 39 98 12 3")).as("a French number missing a digit").isEmpty();
    assertThat(PhoneNumbers.written("06 39 98 12 34 +1")).isEmpty();
  }
}
