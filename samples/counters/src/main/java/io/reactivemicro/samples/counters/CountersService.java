package io.reactivemicro.samples.counters;

import io.reactivemicro.Service;
import io.reactivemicro.registry.Node;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The counters service: a {@link Service} serving the {@link Counters} handler, and this instance's
 * candidacy for leader ({@link Election}). Stopping resigns first, then stops the service, so that another
 * instance takes over at once.
 *
 * <pre>{@code
 * CountersService counters = CountersService.create(Service.builder("counters").args(args),
 *     Duration.ofSeconds(10));
 * counters.run();
 * }</pre>
 */
public final class CountersService {

  /** How long a leader stays leader after it stops refreshing, unless {@code --leader_ttl} says otherwise. */
  public static final Duration DEFAULT_LEADER_TTL = Duration.ofSeconds(10);

  private static final Logger LOG = Loggers.getLogger(CountersService.class);

  private final Service service;
  private final Election election;

  private CountersService(Service service, Election election) {
    this.service = service;
    this.election = election;
  }

  /**
   * Builds the service from {@code builder}, adding the {@link Counters} handler. Its store and sync are the
   * builder's: by default those the settings choose ({@code --store}, {@code --sync}, memory when none).
   *
   * @param builder the service's builder, with its name, address and settings
   * @param leaderTtl how long a leader stays leader once it stops refreshing its lease
   * @return the service, not yet started
   */
  public static CountersService create(Service.Builder builder, Duration leaderTtl) {
    Objects.requireNonNull(leaderTtl, "leaderTtl");
    Counters counters = new Counters();
    Service service = builder.handler(counters).build();
    Election election = new Election(service.name() + ".leader", service.sync(), service.store(), leaderTtl);
    counters.use(service.store(), election);
    return new CountersService(service, election);
  }

  /** Returns the service underneath. */
  public Service service() {
    return service;
  }

  /**
   * Starts the service, then runs for leader.
   *
   * @return a {@code Mono} that completes once the service serves and campaigns
   */
  public Mono<Void> start() {
    return service.start().then(Mono.fromRunnable(() -> {
      Node node = service.info().nodes().get(0);
      election.start(node.id(), node.address());
    }));
  }

  /**
   * Resigns the leadership, if held, so that another instance takes over at once, then stops the service
   * gracefully (which closes its store and sync).
   *
   * @return a {@code Mono} that completes once stopped
   */
  public Mono<Void> stop() {
    return election.stop().then(service.stop());
  }

  /**
   * Starts and blocks the calling thread until the JVM is asked to stop (SIGINT, SIGTERM), then stops.
   *
   * @throws IllegalStateException when called on a non-blocking thread
   */
  public void run() {
    if (Schedulers.isInNonBlockingThread()) {
      throw new IllegalStateException("run() blocks; call it from main, or use start() and stop()");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      try {
        stop().toFuture().get();
      } catch (Exception e) {
        LOG.warn("stopping failed", e);
      } finally {
        stopped.countDown();
      }
    }, service.name() + "-shutdown");
    start().toFuture().join();
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
