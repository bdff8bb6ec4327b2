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

  /**
   * A mobile of La Réunion is dialled "06 92 …" from the Cantal, but texted at +262 692 …: "+33 692 …" reaches nobody.
   * However she types it, it is written the French way and sent under its department's code.
   */
  @Test
  void an_overseas_number_is_written_the_french_way_and_sent_under_its_own_code() {
    for (String typed : new String[] {"06 92 12 34 56", "0692123456", "+262 692 12 34 56", "00262692123456", "+33 6 92 12 34 56",
        "+262 (0)6 92 12 34 56", "+262 0692 12 34 56"}) {
      assertThat(PhoneNumbers.written(typed)).as(typed).contains("06 92 12 34 56");
      assertThat(PhoneNumbers.canonical(typed)).as(typed).isEqualTo("+262692123456");
      assertThat(PhoneNumbers.textable(typed)).as(typed).isTrue();
    }
    assertThat(PhoneNumbers.canonical("06 39 61 23 45")).as("Mayotte").isEqualTo("+262639612345");
    assertThat(PhoneNumbers.canonical("+590 690 12 34 56")).as("Guadeloupe").isEqualTo("+590690123456");
    assertThat(PhoneNumbers.canonical("06 94 12 34 56")).as("Guyane").isEqualTo("+594694123456");
    assertThat(PhoneNumbers.canonical("06 96 12 34 56")).as("Martinique").isEqualTo("+596696123456");
    assertThat(PhoneNumbers.written("+596 596 12 34 56")).as("a landline of Martinique").contains("05 96 12 34 56");
    assertThat(PhoneNumbers.textable("+596 596 12 34 56")).as("a landline of Martinique").isFalse();
    assertThat(PhoneNumbers.textable("02 62 12 34 56")).as("a landline of La Réunion").isFalse();
    assertThat(PhoneNumbers.canonical("06 39 98 12 34")).as("ARCEP's range for fiction, in Mayotte's block: nobody's")
        .isEqualTo("+33639981234");
    assertThat(PhoneNumbers.canonical("06 12 34 56 78")).as("a mainland mobile").isEqualTo("+33612345678");
    assertThat(PhoneNumbers.written("+262 123 45 67 89")).as("+262 outside the French plan: kept as typed")
        .contains("+262123456789");
    assertThat(PhoneNumbers.textable("+262 123 45 67 89")).isFalse();
  }

  /**
   * Saint-Pierre-et-Miquelon's numbers, "05 08" and six digits in the French plan, were sent under +33 (+33 5 08 55 12 34:
   * nobody's); typed under +508, they were kept as typed and never texted. Both forms are one number now, written the
   * French way and sent under +508 and its six digits.
   */
  @Test
  void a_number_of_saint_pierre_et_miquelon_is_written_the_french_way_and_sent_under_508() {
    for (String typed : new String[] {"05 08 55 12 34", "0508551234", "+508 55 12 34", "00508551234", "+33 5 08 55 12 34",
        "+508 (0)55 12 34", "+508551234"}) {
      assertThat(PhoneNumbers.written(typed)).as(typed).contains("05 08 55 12 34");
      assertThat(PhoneNumbers.canonical(typed)).as(typed).isEqualTo("+508551234");
      assertThat(PhoneNumbers.textable(typed)).as(typed + ": a mobile").isTrue();
    }
    assertThat(PhoneNumbers.canonical("05 08 41 23 45")).as("a landline of Saint-Pierre").isEqualTo("+508412345");
    assertThat(PhoneNumbers.written("+508 41 23 45")).as("a landline of Saint-Pierre").contains("05 08 41 23 45");
    assertThat(PhoneNumbers.textable("05 08 41 23 45")).as("a landline of Saint-Pierre").isFalse();
    assertThat(PhoneNumbers.textable("+508 80 01 23")).as("no mobile (80…)").isFalse();
    assertThat(PhoneNumbers.written("+508 1234 5678")).as("+508 outside its plan: kept as typed").contains("+50812345678");
    assertThat(PhoneNumbers.textable("+508 1234 5678")).isFalse();
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
