package io.reactivemicro.plugin.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class ClientSourceTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final AtomicInteger closes = new AtomicInteger();

  private Mono<Void> close(Object client) {
    return Mono.fromRunnable(closes::incrementAndGet);
  }

  @Test
  void anOwnClientIsClosedByTheFirstReleaseOnly() {
    Object client = new Object();
    ClientSource<Object> source = ClientSource.own(client, this::close, "server-1");

    assertThat(source.client()).isSameAs(client);
    assertThat(source.describe()).isEqualTo("server-1");
    Mono<Void> release = source.release();
    assertThat(closes).as("release closes on subscription").hasValue(0);
    release.block(TIMEOUT);
    source.release().block(TIMEOUT);

    assertThat(closes).hasValue(1);
    assertThat(source).hasToString("ClientSource[server-1, released]");
  }

  @Test
  void aGivenClientIsLeftOpen() {
    ClientSource<Object> source = ClientSource.given(new Object(), "the given client");

    source.release().block(TIMEOUT);

    assertThat(closes).hasValue(0);
    assertThatThrownBy(() -> ClientSource.given(null, "x")).isInstanceOf(NullPointerException.class)
        .hasMessage("client");
  }

  @Test
  void aSharedClientIsClosedByItsLastHolder() {
    String key = "test " + UUID.randomUUID();
    ClientSource<Object> first = ClientSource.shared(key, Object::new, this::close, "server-1");
    ClientSource<Object> second = ClientSource.shared(key, Object::new, this::close, "server-1");
    assertThat(second.client()).isSameAs(first.client());
    assertThat(SharedClients.references(key)).isEqualTo(2);

    first.release().then(first.release()).block(TIMEOUT);
    assertThat(SharedClients.references(key)).as("a second release of one holder counts once").isEqualTo(1);
    assertThat(closes).hasValue(0);

    second.release().block(TIMEOUT);
    assertThat(SharedClients.references(key)).isZero();
    assertThat(closes).hasValue(1);
  }
}
