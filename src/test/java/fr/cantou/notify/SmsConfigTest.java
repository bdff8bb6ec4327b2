package fr.cantou.notify;

import fr.cantou.platform.config.CantouConfig;
import fr.cantou.platform.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SMS provider's settings: none means the log; a malformed one stops start-up with one line naming the key, never a secret. */
class SmsConfigTest {
  static SmsConfig of(Map<String, String> env) {
    return SmsConfig.from(CantouConfig.load(env).settings());
  }

  @Test
  void without_a_url_sms_go_to_the_log() {
    assertThat(of(Map.of()).configured()).isFalse();
  }

  @Test
  void a_provider_with_a_form_template_and_basic_credentials() {
    SmsConfig config = of(Map.of("CANTOU_SMS_URL", "https://api.sms.example/send", "CANTOU_SMS_AUTH", "basic",
        "CANTOU_SMS_USERNAME", "cantal", "CANTOU_SMS_PASSWORD", "pw", "CANTOU_SMS_FORMAT", "form",
        "CANTOU_SMS_TEMPLATE", "to={toDigits}&message={text}&sender=Cantal"));
    assertThat(config.configured()).isTrue();
    assertThat(HttpSmsSender.fill("{\"to\":\"{to}\",\"text\":\"{text}\"}", "json", "+33612345678", "Dit \"oui\"\n{to}"))
        .as("the text JSON-escaped, and put in last: a placeholder in it stays as written")
        .isEqualTo("{\"to\":\"+33612345678\",\"text\":\"Dit \\\"oui\\\"\\n{to}\"}");
  }

  @Test
  void a_malformed_setting_is_named_and_a_secret_never_shown() {
    assertThatThrownBy(() -> of(Map.of("CANTOU_SMS_TEMPLATE", "{\"to\":\"{to}\"}")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("sms.template").hasMessageContaining("{text}");
    assertThatThrownBy(() -> of(Map.of("CANTOU_SMS_TEMPLATE", "{\"to\":\"{to}\",\"text\":\"{text}\"")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("JSON object");
    assertThatThrownBy(() -> of(Map.of("CANTOU_SMS_FORMAT", "form", "CANTOU_SMS_TEMPLATE", "{\"to\":\"{to}\",\"text\":\"{text}\"}")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("name=value");
    assertThatThrownBy(() -> of(Map.of("CANTOU_SMS_URL", "ftp://sms.example")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("sms.url");
    assertThatThrownBy(() -> of(Map.of("CANTOU_SMS_URL", "https://sms.example", "CANTOU_SMS_AUTH", "bearer")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("sms.apiKey");
    assertThatThrownBy(() -> of(Map.of("CANTOU_SMS_AUTH", "token", "CANTOU_SMS_API_KEY", "very-secret-key")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("sms.auth").hasMessageNotContaining("very-secret-key");
  }
}
