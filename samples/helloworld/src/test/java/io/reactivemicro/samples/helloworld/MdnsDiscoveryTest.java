package io.reactivemicro.samples.helloworld;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.reactivemicro.client.RequestOptions;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.registry.ServiceInfo;
import io.reactivemicro.selector.Next;
import io.reactivemicro.selector.Selector;
import io.reactivemicro.test.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * Two helloworld processes started with {@code --registry=mdns} and clients that find both over mDNS, with
 * no address and no registry server. Runs in a loopback-only network namespace (the surefire {@code jvm} is
 * {@code src/test/netns/bin/java}); the processes it starts are its children and share the namespace.
 */
class MdnsDiscoveryTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int CALLS = 40;

  @BeforeAll
  static void runsInALoopbackOnlyNetworkNamespace() throws Exception {
    assertThat(System.getenv("REACTIVE_MICRO_NETNS"))
        .as("the test JVM must be started by src/test/netns/bin/java, in a loopback-only network namespace")
        .isEqualTo("loopback-only");
    assertThat(Collections.list(NetworkInterface.getNetworkInterfaces()))
        .extracting(NetworkInterface::getName)
        .containsExactly("lo");
  }

  @Test
  void clientsFindTwoInstancesOverMdnsAndSpreadTheirCallsOverBoth() throws Exception {
    try (JavaProcess first = Instance.start(); JavaProcess second = Instance.start()) {
      String firstAddress = Instance.address(first);
      String secondAddress = Instance.address(second);
      Registry registry = Registry.fromSettings(Settings.fromEnvironment("--registry=mdns"));
      Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
      io.reactivemicro.client.Client client = io.reactivemicro.client.Client.builder()
          .registry(registry)
          .selector(counting(Selector.random(registry), calls))
          .build();
      try {
        awaitNodes(registry, List.of(firstAddress, secondAddress), first, second);

        Greeter greeter = client.proxy(Greeter.class, "helloworld", RequestOptions.defaults().withTimeout(Duration.ofSeconds(10)));
        List<String> answers = Flux.range(0, CALLS)
            .concatMap(i -> greeter.greeting(new Request("caller " + i)))
            .map(Response::message)
            .collectList()
            .block(TIMEOUT);

        assertThat(answers).hasSize(CALLS).allMatch(message -> message.startsWith("Hello caller "));
        assertThat(calls.keySet()).containsExactlyInAnyOrder(firstAddress, secondAddress);
        assertThat(calls.values()).allMatch(count -> count.get() > 0);
        assertThat(calls.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(CALLS);
      } finally {
        client.close().block(Duration.ofSeconds(10));
        registry.close().block(TIMEOUT);
      }

      // The sample's own client, given nothing but the registry to use.
      try (JavaProcess sample = JavaProcess.start(Client.class.getName(), "--registry=mdns")) {
        assertThat(sample.awaitExit(TIMEOUT)).as("exit code of the sample client:\n" + sample.output()).isZero();
        assertThat(sample.output().lines().filter(line -> line.startsWith("Hello")))
            .containsExactly("Hello alice", "Hello bob #1", "Hello bob #2", "Hello bob #3", "Hello carol", "Hello dave");
      }
    }
  }

  /** Wraps {@code selector}, counting the node each call goes to by its address. */
  private static Selector counting(Selector selector, Map<String, AtomicInteger> calls) {
    return (service, filter) -> selector.select(service, filter).map(next -> (Next) () -> {
      Node node = next.next();
      calls.computeIfAbsent(node.address(), address -> new AtomicInteger()).incrementAndGet();
      return node;
    });
  }

  private static void awaitNodes(Registry registry, List<String> addresses, JavaProcess... instances)
      throws Exception {
    try {
      Await.value("the registry finds " + addresses, TIMEOUT, () -> addressesOf(registry),
          found -> found.containsAll(addresses));
    } catch (AssertionError notFound) {
      StringBuilder logs = new StringBuilder();
      for (JavaProcess instance : instances) {
        logs.append('\n').append(instance.output());
      }
      throw new AssertionError(notFound.getMessage() + logs, notFound);
    }
  }

  private static List<String> addressesOf(Registry registry) {
    List<String> seen = new ArrayList<>();
    List<ServiceInfo> services = registry.getService("helloworld").collectList().block(TIMEOUT);
    for (ServiceInfo service : services == null ? List.<ServiceInfo>of() : services) {
      service.nodes().forEach(node -> seen.add(node.address()));
    }
    return seen;
  }

  /** A helloworld instance: {@link Main} with {@code --registry=mdns} on a free loopback port. */
  private static final class Instance {
    private static final Map<JavaProcess, String> ADDRESSES = new ConcurrentHashMap<>();

    static JavaProcess start() throws IOException {
      String address;
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        address = "127.0.0.1:" + socket.getLocalPort();
      }
      JavaProcess process = JavaProcess.start(Main.class.getName(), "--registry=mdns", "--server_address=" + address);
      ADDRESSES.put(process, address);
      return process;
    }

    static String address(JavaProcess process) {
      return ADDRESSES.get(process);
    }
  }

  /** A class of this module run in a child JVM on the test class path, its output kept in a file. */
  private static final class JavaProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private JavaProcess(Process process, Path log) {
      this.process = process;
      this.log = log;
    }

    static JavaProcess start(String mainClass, String... args) throws IOException {
      Path log = Files.createTempFile("helloworld-", ".log");
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), mainClass));
      command.addAll(List.of(args));
      Process process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      return new JavaProcess(process, log);
    }

    int awaitExit(Duration timeout) throws InterruptedException {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        fail("did not exit within " + timeout + ":\n" + output());
      }
      return process.exitValue();
    }

    String output() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        return "(no output: " + e + ")";
      }
    }

    /** Stops the JVM as Ctrl-C does, so that it deregisters, and waits for it. */
    @Override
    public void close() throws Exception {
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
      }
      Files.deleteIfExists(log);
    }
  }
}
