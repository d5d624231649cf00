package io.reactivemicro.plugin.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerAddressesTest {

  @Test
  void anAddressWithoutSchemeGetsOne() {
    assertThat(ServerAddresses.url(" 10.0.0.1:6379 ", "redis", "Redis")).isEqualTo("redis://10.0.0.1:6379");
    assertThat(ServerAddresses.url("rediss://h:1/2", "redis", "Redis")).isEqualTo("rediss://h:1/2");
    assertThat(ServerAddresses.urls(List.of("a:4222", "tls://b:4222"), "nats", "NATS"))
        .containsExactly("nats://a:4222", "tls://b:4222");
  }

  @Test
  void badAddressesAreNamedInTheError() {
    assertThatThrownBy(() -> ServerAddresses.url(null, "redis", "Redis"))
        .isInstanceOf(NullPointerException.class).hasMessage("address");
    assertThatThrownBy(() -> ServerAddresses.url("  ", "redis", "Redis"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("the Redis address must not be blank");
    assertThatThrownBy(() -> ServerAddresses.urls(List.of(), "nats", "NATS"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("at least one NATS address is needed");
    assertThatThrownBy(() -> ServerAddresses.urls(List.of("a:1", " "), "nats", "NATS"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("a NATS address must not be blank: [a:1,  ]");
    assertThatThrownBy(() -> ServerAddresses.urls(List.of(""), "http", "etcd"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("an etcd address must not be blank: []");
    assertThatThrownBy(() -> ServerAddresses.urls(Arrays.asList("a:1", null), "nats", "NATS"))
        .isInstanceOf(NullPointerException.class).hasMessage("address");
  }

  @Test
  void theParserMakesTheLibrarysTypeAndItsFailureNamesTheAddress() {
    assertThat(ServerAddresses.parseAll(List.of("h:2379", "https://g:2379"), "http", "etcd", URI::create))
        .containsExactly(URI.create("http://h:2379"), URI.create("https://g:2379"));
    assertThat(ServerAddresses.parse("h:2379", "http", "etcd", URI::create)).isEqualTo(URI.create("http://h:2379"));
    assertThatThrownBy(() -> ServerAddresses.parse("h 1:2", "http", "etcd", URI::create))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid etcd address \"h 1:2\": ")
        .hasCauseInstanceOf(IllegalArgumentException.class);
  }
}
