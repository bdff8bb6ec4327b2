package fr.cantou.platform;

import fr.cantou.CantouNode;
import fr.cantou.platform.config.CantouConfig;
import fr.cantou.platform.config.ConfigException;
import fr.cantou.platform.config.ConfigSource;
import fr.cantou.teleconsult.TeleconsultConfig;
import fr.cantou.visio.VisioConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigTest {

  @Test
  void defaults_come_from_config_cantou_yaml() {
    CantouConfig config = CantouConfig.load(Map.of());
    assertThat(config.http().host()).isEqualTo("127.0.0.1");
    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.database().embedded()).isTrue();
    assertThat(config.database().embeddedDataDir()).isEqualTo("./data");
    assertThat(config.auth().accessTokenLifetime().toMinutes()).isEqualTo(15);
    assertThat(config.defaultTimeZone().getId()).isEqualTo("Europe/Paris");
    assertThat(config.jitsi().signsTokens()).isFalse();
    assertThat(config.demo().enabled()).isFalse();
    assertThat(config.site().operatorName()).isEqualTo("Département du Cantal");
    assertThat(config.site().logoUrl()).isEmpty();
  }

  @Test
  void the_operator_logo_is_an_image_of_this_server_or_nothing() {
    assertThat(CantouConfig.load(Map.of("CANTOU_SITE_LOGO_URL", "/img/logo.svg")).site().logoUrl()).isEqualTo("/img/logo.svg");
    assertThat(CantouConfig.load(Map.of("CANTOU_SITE_OPERATOR_NAME", "Département de la Sarthe")).site().operatorName())
        .isEqualTo("Département de la Sarthe");
    assertThatThrownBy(() -> CantouConfig.load(Map.of("CANTOU_SITE_LOGO_URL", "https://evil.example/logo.png")))
        .hasMessageContaining("site.logoUrl");
    assertThatThrownBy(() -> CantouConfig.load(Map.of("CANTOU_SITE_LOGO_URL", "//evil.example/logo.png")))
        .hasMessageContaining("site.logoUrl");
  }

  @Test
  void a_heartbeat_as_long_as_the_idle_timeout_is_refused_it_would_cut_every_quiet_socket() {
    assertThatThrownBy(() -> CantouConfig.load(Map.of("CANTOU_HTTP_IDLE_TIMEOUT_SECONDS", "20")))
        .hasMessageContaining("realtime.heartbeatSeconds");
    assertThat(CantouConfig.load(Map.of("CANTOU_HTTP_IDLE_TIMEOUT_SECONDS", "21")).realtime().heartbeat().toSeconds())
        .isEqualTo(20);
  }

  @Test
  void cantou_variables_override_the_file() {
    CantouConfig config = CantouConfig.load(Map.of(
        "CANTOU_HTTP_PORT", "9090",
        "CANTOU_HTTP_HOST", "0.0.0.0",
        "CANTOU_DATABASE_URL", "postgresql://cantou:secret@db.example:5433/cantou",
        "CANTOU_DATABASE_POOL_SIZE", "4",
        "CANTOU_JITSI_DOMAIN", "Visio.Cantal.fr",
        "CANTOU_JITSI_APP_SECRET", "a-secret-that-is-long-enough-for-hs256",
        "CANTOU_SMTP_HOST", "smtp.cantal.fr",
        "CANTOU_DEMO", "true",
        "CANTOU_DEMO_PASSWORD", "demo-password"));
    assertThat(config.http().port()).isEqualTo(9090);
    assertThat(config.http().host()).isEqualTo("0.0.0.0");
    assertThat(config.database().embedded()).isFalse();
    assertThat(config.database().poolSize()).isEqualTo(4);
    assertThat(config.jitsi().domain()).isEqualTo("visio.cantal.fr");
    assertThat(config.jitsi().signsTokens()).isTrue();
    assertThat(config.smtp().configured()).isTrue();
    assertThat(config.demo().enabled()).isTrue();
  }

  @Test
  void each_flow_reads_its_own_section_with_the_same_keys_and_variables() {
    CantouConfig config = CantouConfig.load(Map.of(
        "CANTOU_TELECONSULT_JOIN_TIMEOUT_MINUTES", "7",
        "CANTOU_VISIO_SLOT_DAYS_KEPT", "0"));
    assertThat(TeleconsultConfig.from(config.settings()).joinTimeout()).isEqualTo(Duration.ofMinutes(7));
    assertThat(TeleconsultConfig.from(config.settings()).patientDataKept()).isEqualTo(Duration.ofDays(90));
    assertThat(TeleconsultConfig.from(config.settings()).files().uploadsPerUser()).isEqualTo(2);
    assertThat(TeleconsultConfig.from(config.settings()).files().uploadsWaiting()).isEqualTo(16);
    assertThat(VisioConfig.from(config.settings()).slotDaysKept()).isZero();
    assertThat(VisioConfig.from(config.settings()).joinOpensBefore()).isEqualTo(Duration.ofMinutes(10));
    assertThatThrownBy(() -> CantouNode.checkSettings(CantouConfig.load(Map.of("CANTOU_VISIO_CITIZEN_DATA_DAYS", "0"))))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Configuration error: visio.citizenDataDays (CANTOU_VISIO_CITIZEN_DATA_DAYS) must be a whole number "
            + "from 1 to 3650, got \"0\"");
  }

  @Test
  void variable_names_follow_the_yaml_path() {
    assertThat(ConfigSource.variableFor("jitsi.appSecret")).isEqualTo("CANTOU_JITSI_APP_SECRET");
    assertThat(ConfigSource.variableFor("demo")).isEqualTo("CANTOU_DEMO");
    assertThat(ConfigSource.variableFor("demoPassword")).isEqualTo("CANTOU_DEMO_PASSWORD");
  }

  @Test
  void a_malformed_value_is_one_line_naming_the_key_and_its_variable() {
    assertThatThrownBy(() -> CantouConfig.load(Map.of("CANTOU_HTTP_PORT", "eighty")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Configuration error: http.port (CANTOU_HTTP_PORT) must be a whole number from 0 to 65535, got \"eighty\"");
    assertThatThrownBy(() -> CantouConfig.load(Map.of("CANTOU_DATABASE_POOL_SIZE", "0")))
        .hasMessageContaining("database.poolSize (CANTOU_DATABASE_POOL_SIZE)");
    assertThatThrownBy(() -> CantouConfig.load(Map.of("CANTOU_DATABASE_URL", "mysql://nope")))
        .hasMessageContaining("database.url (CANTOU_DATABASE_URL) must look like postgresql://");
    assertThatThrownBy(() -> CantouConfig.load(Map.of("CANTOU_SMTP_STARTTLS", "sometimes")))
        .hasMessageContaining("smtp.starttls (CANTOU_SMTP_STARTTLS) must be one of");
    assertThatThrownBy(() -> CantouConfig.load(Map.of("CANTOU_DEMO", "maybe")))
        .hasMessageContaining("demo (CANTOU_DEMO) must be true or false");
  }

  @Test
  void secrets_are_never_echoed_in_errors() {
    assertThatThrownBy(() -> CantouConfig.load(Map.of("CANTOU_AUTH_JWT_KEY", "short-key")))
        .hasMessageContaining("auth.jwtKey (CANTOU_AUTH_JWT_KEY) must be at least 32 characters")
        .hasMessageNotContaining("short-key");
    assertThatThrownBy(() -> CantouConfig.load(Map.of("CANTOU_ADMIN_EMAIL", "a@b.fr")))
        .hasMessageContaining("admin.password (CANTOU_ADMIN_PASSWORD) must be set together with admin.email");
  }

  @Test
  void demo_needs_a_password() {
    assertThatThrownBy(() -> CantouConfig.load(Map.of("CANTOU_DEMO", "true")))
        .hasMessageContaining("demoPassword (CANTOU_DEMO_PASSWORD)");
  }

  @Test
  void a_missing_config_file_named_explicitly_is_a_clear_error() {
    assertThatThrownBy(() -> CantouConfig.load(Map.of("CANTOU_CONFIG", "/nowhere/cantou.yaml")))
        .hasMessage("Configuration error: CANTOU_CONFIG names /nowhere/cantou.yaml, which is not a readable file");
  }

  @Test
  void malformed_yaml_names_the_line(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("bad.yaml");
    java.nio.file.Files.writeString(file, "http:\n  port: 8080\n   host: [oops\n");
    assertThatThrownBy(() -> CantouConfig.load(Map.of("CANTOU_CONFIG", file.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("Configuration error: " + file + " line ");
  }
}
