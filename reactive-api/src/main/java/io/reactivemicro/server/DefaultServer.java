package io.reactivemicro.server;

import io.reactivemicro.registry.EndpointInfo;
import io.reactivemicro.server.spi.Router;
import io.reactivemicro.server.spi.ServerEndpoint;
import io.reactivemicro.transport.spi.Listener;
import io.reactivemicro.transport.spi.ServerTransport;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/** The default server: a router bound to an address by a server transport. */
final class DefaultServer implements Server {

  private static final Logger LOG = Loggers.getLogger(DefaultServer.class);

  private final Router router;
  private final String configuredAddress;
  private final ServerTransport transport;
  private volatile @Nullable Listener listener;

  DefaultServer(Router router, String address, ServerTransport transport) {
    this.router = router;
    this.configuredAddress = address;
    this.transport = transport;
  }

  @Override
  public List<EndpointInfo> endpoints() {
    return router.describe();
  }

  @Override
  public int inFlight() {
    return router.inFlight();
  }

  @Override
  public boolean draining() {
    return router.draining();
  }

  @Override
  public String address() {
    Listener bound = listener;
    return bound != null ? bound.address() : configuredAddress;
  }

  @Override
  public Mono<Void> start() {
    return Mono.defer(() -> {
      if (listener != null) {
        return Mono.error(new IllegalStateException("server " + router.serviceName() + " is already started"));
      }
      return transport.bind(configuredAddress, router).doOnNext(bound -> {
        listener = bound;
        LOG.info("service {} listening on {} with endpoints {}", router.serviceName(), bound.address(),
            router.endpoints().stream().map(ServerEndpoint::name).toList());
      }).then();
    });
  }

  @Override
  public Mono<Void> stop(Duration drainTimeout) {
    return Mono.defer(() -> {
      Listener bound = listener;
      if (bound == null) {
        return Mono.empty();
      }
      return bound.stopAccepting()
          .then(router.drain(drainTimeout))
          .doOnNext(all -> {
            if (!all) {
              LOG.warn("service {}: {} calls still running after the {} ms drain timeout; closing them",
                  router.serviceName(), router.inFlight(), drainTimeout.toMillis());
            }
          })
          .then(bound.close())
          .doFinally(s -> listener = null);
    });
  }
}
