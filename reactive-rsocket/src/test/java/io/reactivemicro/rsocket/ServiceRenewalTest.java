package io.reactivemicro.rsocket;

import static io.reactivemicro.rsocket.RpcTestSupport.LOOPBACK;
import static io.reactivemicro.rsocket.RpcTestSupport.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.Service;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.registry.RegistryEvent;
import io.reactivemicro.registry.ServiceInfo;
import io.reactivemicro.rsocket.RpcTestSupport.Req;
import io.reactivemicro.test.Await;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A service keeps renewing its registration even when the registry answers slower than the interval. */
class ServiceRenewalTest {

  /** Endpoint {@code Echo.Say}. */
  public static final class Echo {
    public Mono<Req> say(Req request) {
      return Mono.just(request);
    }
  }

  /** A memory registry whose registrations take longer than the service's renewal interval. */
  static final class SlowRegistry implements Registry {
    final Registry delegate = Registry.memory();
    final AtomicInteger registrations = new AtomicInteger();

    @Override
    public String name() {
      return "slow";
    }

    @Override
    public Mono<Void> register(ServiceInfo service, Duration ttl) {
      return Mono.delay(Duration.ofMillis(250)).then(delegate.register(service, ttl))
          .doOnSuccess(v -> registrations.incrementAndGet());
    }

    @Override
    public Mono<Void> deregister(ServiceInfo service) {
      return delegate.deregister(service);
    }

    @Override
    public Flux<ServiceInfo> getService(String name) {
      return delegate.getService(name);
    }

    @Override
    public Flux<ServiceInfo> listServices() {
      return delegate.listServices();
    }

    @Override
    public Flux<RegistryEvent> watch(@Nullable String service) {
      return delegate.watch(service);
    }
  }

  @Test
  void renewalsSlowerThanTheIntervalSkipTicksInsteadOfStopping() {
    SlowRegistry registry = new SlowRegistry();
    Service service = Service.builder("slow-renewal").address(LOOPBACK).registry(registry).handler(new Echo())
        .registerTtl(Duration.ofSeconds(5), Duration.ofMillis(100)).build();
    service.start().block(TIMEOUT);
    try {
      // Each renewal takes 250 ms against a 100 ms interval: the loop must go on, a renewal at a time.
      int first = Await.value("three registrations", TIMEOUT, registry.registrations::get, count -> count >= 3);
      Await.until("a renewal after the third registration", TIMEOUT, () -> registry.registrations.get() > first);
    } finally {
      service.stop().block(TIMEOUT);
    }
  }
}
