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
    assertThat(PhoneNumbers.written("6 11 22 33 44")).as("neither French (no 0) nor international (no +): sent nowhere").isEmpty();
    assertThat(PhoneNumbers.written("123456")).isEmpty();
  }

  @Test
  void only_french_mobiles_get_texts() {
    assertThat(PhoneNumbers.textable("06 39 98 12 34")).isTrue();
    assertThat(PhoneNumbers.textable("07 81 22 33 44")).isTrue();
    assertThat(PhoneNumbers.textable("06 92 12 34 56")).as("a mobile of La Réunion").isTrue();
    assertThat(PhoneNumbers.textable("08 99 12 34 56")).as("premium rate").isFalse();
    assertThat(PhoneNumbers.textable("04 71 45 12 34")).as("a landline").isFalse();
    assertThat(PhoneNumbers.textable("+882 1600 0000 00")).as("international networks").isFalse();
    assertThat(PhoneNumbers.textable("+49 176 1234 5678")).as("abroad").isFalse();
  }
}
