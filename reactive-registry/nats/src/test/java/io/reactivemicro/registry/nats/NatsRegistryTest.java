package io.reactivemicro.registry.nats;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.registry.RegistryEvent;
import io.reactivemicro.test.ApplicationClient;
import io.reactivemicro.test.Await;
import io.reactivemicro.test.Refusal;
import io.reactivemicro.test.registry.RegistryContract;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** Runs the registry contract against the NATS server at 127.0.0.1:4222, under a subject prefix of its own. */
class NatsRegistryTest extends RegistryContract {

  private static final String PREFIX = "micro-test." + UUID.randomUUID().toString().replace("-", "");
  private static final Duration WINDOW = Duration.ofMillis(300);

  private static NatsRegistry registry;

  @BeforeAll
  static void connect() {
    registry = NatsRegistry.builder(List.of(NatsRegistry.DEFAULT_ADDRESS))
        .prefix(PREFIX).queryWindow(WINDOW).build();
    // The first connection loads jnats (and its crypto provider): on a loaded machine that alone can take
    // longer than an operation's timeout, so it is made before the tests.
    registry.listServices().then().block(Duration.ofSeconds(60));
  }

  @AfterAll
  static void close() {
    registry.close().block(TIMEOUT);
  }

  @Override
  protected Registry registry() {
    return registry;
  }

  @Override
  protected Duration shortTtl() {
    // Long enough that the renewals of registeringAgainBeforeTheTtlKeepsTheNode, each followed by a
    // look-up that lasts the query window, stay well within it on a loaded machine.
    return Duration.ofSeconds(2);
  }

  @Override
  protected Duration watchWarmUp() {
    // The watch subscription is made and flushed on a bounded-elastic thread after subscription.
    return Duration.ofMillis(500);
  }

  @Override
  protected Registry anotherRegistry() {
    return NatsRegistry.builder(List.of(NatsRegistry.DEFAULT_ADDRESS)).prefix(PREFIX).queryWindow(WINDOW).build();
  }

  @Override
  protected Settings settingsChoosingThisBackend() {
    return Settings.empty().with("registry", "nats").with("registry_address", "127.0.0.1:4222")
        .with("registry_prefix", PREFIX);
  }

  @Override
  protected void assertChosen(Registry chosen) {
    assertThat(((NatsRegistry) chosen).prefix()).isEqualTo(PREFIX);
  }

  @Override
  protected String sharedClientKey() {
    return "jnats [" + NatsRegistry.DEFAULT_ADDRESS + "]";
  }

  @Override
  protected Registry unreachable() {
    return NatsRegistry.builder(List.of("127.0.0.1:1")).timeout(Duration.ofSeconds(1)).build();
  }

  /** A connection of the application's, whose registries work under a subject prefix of their own. */
  @Override
  protected ApplicationClient<Registry> applicationClient() throws Exception {
    Connection connection = Nats.connect(NatsRegistry.DEFAULT_ADDRESS);
    String prefix = "micro-test." + UUID.randomUUID().toString().replace("-", "");
    return ApplicationClient.of(() -> NatsRegistry.builder(connection).prefix(prefix).build(), connection::close);
  }

  @Override
  protected List<Refusal> builderRefusals() {
    return List.of(
        Refusal.of(() -> NatsRegistry.builder((List<String>) null), NullPointerException.class, "addresses"),
        Refusal.of(() -> NatsRegistry.builder(List.of()), IllegalArgumentException.class,
            "at least one NATS address is needed"),
        Refusal.of(() -> NatsRegistry.builder(Arrays.asList("127.0.0.1:4222", null)), NullPointerException.class,
            "address"),
        Refusal.startingWith(() -> NatsRegistry.builder(List.of(" ")), IllegalArgumentException.class,
            "a NATS address must not be blank"),
        Refusal.of(() -> NatsRegistry.builder((Connection) null), NullPointerException.class, "connection"));
  }

  /**
   * A NATS node is answered for by its registry's connection, so it is gone from look-ups as soon as that
   * closes; watchers, which see no goodbye, wait for its TTL before they report it deleted.
   */
  @Test
  void nodeOfAClosedConnectionIsGoneAtOnceButReportedDeletedAfterItsTtl() {
    String name = serviceName("vanishing");
    Node node = Node.of(name + "-1", "10.0.0.1:8080");
    Recorder events = watch(name);
    Registry other = anotherRegistry();
    Duration ttl = Duration.ofSeconds(3);
    other.register(service(name, "1.0.0", node), ttl).block(TIMEOUT);
    Await.value("the other registry's node is found", TIMEOUT, () -> lookUp(name), found -> hasExactly(found, node));
    long closedAt = System.nanoTime();

    other.close().block(TIMEOUT);

    assertThat(lookUp(name)).as("nobody answers for the node of a closed connection").isEmpty();
    StepVerifier.create(events.flux().map(RegistryEvent::type))
        .expectNext(RegistryEvent.Type.CREATE, RegistryEvent.Type.DELETE)
        .thenCancel()
        .verify(ttl.plus(TIMEOUT));
    assertThat(Duration.ofNanos(System.nanoTime() - closedAt))
        .as("the watcher waits for the TTL before it reports the node deleted")
        .isGreaterThanOrEqualTo(ttl.minusMillis(500));
  }

  /**
   * A watch fails too when NATS cannot be reached. The contract does not ask it of every registry: the
   * etcd registry's watch keeps waiting for its server instead.
   */
  @Test
  void watchOnAnUnreachableServerFails() {
    Registry unreachable = unreachable();
    try {
      StepVerifier.create(unreachable.watch(serviceName("unreachable")))
          .expectError(MicroException.class)
          .verify(TIMEOUT);
    } finally {
      unreachable.close().block(TIMEOUT);
    }
  }

  @Test
  void serviceNamesBecomeSingleSubjectTokens() {
    assertThat(NatsRegistry.token("helloworld")).isEqualTo("helloworld");
    assertThat(NatsRegistry.token("go.micro.srv.greeter")).isEqualTo("go%2Emicro%2Esrv%2Egreeter");
    assertThat(NatsRegistry.token("a b*>é")).isEqualTo("a%20b%2A%3E%C3%A9");
  }
}
