package fr.cantou.notify;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The GSM 7-bit alphabet, the nearest characters for those outside it, and the count of segments. */
class SmsTextTest {

  @Test
  void french_letters_of_the_gsm_alphabet_stay_as_they_are() {
    String text = "é è à ù ì ò É Ç ä ö ñ ü Ä Ö Ñ Ü ß Æ æ Ø ø Å å £ $ ¥ € @ _";
    assertThat(SmsText.gsm(text)).isEqualTo(text);
    assertThat(SmsText.isGsm(text)).isTrue();
  }

  @Test
  void characters_outside_the_alphabet_are_written_with_the_nearest_ones_inside_it() {
    assertThat(SmsText.gsm("l’accueil « visio » — cœur, Œuvre… reçu")).isEqualTo("l'accueil \" visio \" - coeur, OEuvre... recu");
    assertThat(SmsText.gsm("fenêtre, maïs, août, île, Côte, Âge, naïve")).isEqualTo("fenetre, mais, aout, ile, Cote, Age, naive");
    assertThat(SmsText.gsm("10\u00A0h\u202F30\u2009min\u2003ok")).as("typographic spaces").isEqualTo("10 h 30 min ok");
    assertThat(SmsText.gsm("“Bonjour” ‘toi’")).isEqualTo("\"Bonjour\" 'toi'");
    assertThat(SmsText.isGsm(SmsText.gsm("Votre RDV à l’hôpital d’Aurillac, 1ᵉʳ étage, n° 5 : c’est noté ! œ")))
        .as("every character of a French sentence has a GSM writing").isTrue();
  }

  @Test
  void a_character_with_no_gsm_writing_is_kept_and_the_text_goes_in_ucs2() {
    String text = SmsText.gsm("Rendez-vous 🙂 confirmé");
    assertThat(text).contains("🙂");
    assertThat(SmsText.isGsm(text)).isFalse();
  }

  @Test
  void a_gsm_text_takes_one_segment_up_to_160_septets_then_153_a_segment() {
    assertThat(SmsText.segments("a".repeat(160))).isEqualTo(1);
    assertThat(SmsText.segments("a".repeat(161))).isEqualTo(2);
    assertThat(SmsText.segments("a".repeat(306))).isEqualTo(2);
    assertThat(SmsText.segments("a".repeat(307))).isEqualTo(3);
    assertThat(SmsText.segments("é".repeat(160))).as("é is one septet").isEqualTo(1);
  }

  @Test
  void a_character_of_the_extension_table_takes_two_septets() {
    assertThat(SmsText.septets("€[]{}^~|\\")).isEqualTo(18);
    assertThat(SmsText.segments("€".repeat(80))).isEqualTo(1);
    assertThat(SmsText.segments("€" + "a".repeat(159))).isEqualTo(2);
  }

  @Test
  void a_ucs2_text_takes_one_segment_up_to_70_units_then_67_a_segment() {
    assertThat(SmsText.segments("ê".repeat(70))).as("ê outside the alphabet, not written nearest").isEqualTo(1);
    assertThat(SmsText.segments("ê".repeat(71))).isEqualTo(2);
    assertThat(SmsText.segments("ê".repeat(134))).isEqualTo(2);
    assertThat(SmsText.segments("ê".repeat(135))).isEqualTo(3);
    assertThat(SmsText.segments("🙂".repeat(35))).as("an emoji is two UTF-16 units").isEqualTo(1);
    assertThat(SmsText.segments("🙂".repeat(36))).isEqualTo(2);
  }

  @Test
  void the_transliteration_keeps_a_long_french_text_in_two_segments_instead_of_five() {
    String french = "Cantou : votre RDV à l’accueil de la CAF est confirmé le mercredi 2 décembre à 10h00, au point "
        + "visio-accueil de Saint-Flour. N’oubliez pas vos pièces. Pour le rejoindre, le changer ou l’annuler : "
        + "https://cantou.cantal.fr/r/CAF-7K3Q9.abcdefghijklmnopqrst";
    assertThat(SmsText.segments(french)).isGreaterThan(2);
    assertThat(SmsText.segments(SmsText.gsm(french))).isEqualTo(2);
  }

  @Test
  void the_log_shows_only_the_last_two_digits_of_a_number() {
    assertThat(LogSmsSender.mask("+33612345678")).isEqualTo("+*********78");
    assertThat(LogSmsSender.mask("123")).isEqualTo("***");
  }
}
