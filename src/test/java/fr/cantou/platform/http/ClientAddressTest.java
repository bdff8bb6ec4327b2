package fr.cantou.platform.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** One client, one key: the forms of one address are one address. */
class ClientAddressTest {

  @Test
  void an_ipv6_subscriber_counts_by_its_64_and_a_mapped_ipv4_as_ipv4() {
    assertThat(ClientAddress.normalised("2001:db8:1:2:aaaa::1")).isEqualTo(ClientAddress.normalised("2001:db8:1:2:bbbb::9"))
        .endsWith("/64");
    assertThat(ClientAddress.normalised("::ffff:192.0.2.7")).isEqualTo("192.0.2.7");
    assertThat(ClientAddress.normalised("192.0.2.7")).isEqualTo("192.0.2.7");
    assertThat(ClientAddress.normalised("not an address")).isEqualTo("not an address");
  }

  @Test
  void a_trusted_ipv6_proxy_is_that_address_only_not_its_neighbours() {
    assertThat(ClientAddress.canonical("2001:db8::10")).isNotEqualTo(ClientAddress.canonical("2001:db8::11"));
    assertThat(ClientAddress.canonical("::ffff:192.0.2.7")).isEqualTo("192.0.2.7");
  }
}
