package io.reactivemicro.rsocket;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Fails a test class when BlockHound found a blocking call on a non-blocking thread during it, even one
 * whose error a library caught and only logged (rsocket-java logs what its frame handling throws and goes
 * on). Such an error is thrown from inside the wait, so it may leave a lock unusable and hang a later test;
 * here it fails the class it happened in. Registered for every test class of the module through
 * {@code META-INF/services}, and as a BlockHound integration that records each blocking call before
 * throwing BlockHound's usual error.
 */
public final class BlockingCallExtension implements AfterAllCallback, BlockHoundIntegration {

  private static final int KEPT = 10;
  private static final Queue<String> FOUND = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger COUNT = new AtomicInteger();

  /** Creates the extension, or the integration; JUnit and {@link java.util.ServiceLoader} call this. */
  public BlockingCallExtension() {}

  @Override
  public void applyTo(BlockHound.Builder builder) {
    builder.blockingMethodCallback(method -> {
      BlockingOperationError error = new BlockingOperationError(method);
      if (COUNT.incrementAndGet() <= KEPT) {
        StringWriter trace = new StringWriter();
        error.printStackTrace(new PrintWriter(trace));
        FOUND.add("on " + Thread.currentThread().getName() + ": " + trace);
      }
      throw error;
    });
  }

  /** Forgets the blocking calls found so far: for a test that blocks on purpose, to check BlockHound is on. */
  static void forget() {
    FOUND.clear();
    COUNT.set(0);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    int count = COUNT.getAndSet(0);
    List<String> found = new ArrayList<>();
    String call;
    while ((call = FOUND.poll()) != null) {
      found.add(call);
    }
    if (count > 0) {
      throw new AssertionError(count + " blocking call(s) on non-blocking threads during "
          + context.getDisplayName() + " (the first " + found.size() + " below):" + System.lineSeparator()
          + String.join(System.lineSeparator(), found));
    }
  }
}
