package io.reactivemicro.rsocket;

import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reports a leaked {@link ByteBuf}. Registered for every test class of the
 * module through {@code META-INF/services} and {@code junit.jupiter.extensions.autodetection.enabled}.
 *
 * <p>Netty finds a leak only when a tracked buffer is garbage collected unreleased, and reports it on a
 * later allocation. So after each test class (after its {@code @AfterAll} methods have stopped its
 * servers) this collects garbage until a sentinel reference is cleared, allocates and releases buffers
 * so that the detector drains its queue, and fails with the access records of every leak reported since
 * the previous check. A leak found here may come from an earlier class whose buffers were collected late.
 */
public final class LeakDetectionExtension implements AfterAllCallback {

  private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();
  private static final int DRAIN_ROUNDS = 3;
  private static final Object INSTALL_LOCK = new Object();
  private static boolean installed;

  /** Creates the extension and hooks the listener into Netty's buffer leak detector once per JVM. */
  public LeakDetectionExtension() {
    install();
  }

  private static void install() {
    synchronized (INSTALL_LOCK) {
      if (installed) {
        return;
      }
      if (System.getProperty("io.netty.leakDetection.level") == null) {
        // Run outside Maven (an IDE) with the same strictness as the build.
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
      }
      ResourceLeakDetector<ByteBuf> detector = byteBufDetector();
      if (!reports(detector)) {
        throw new ExtensionConfigurationException("Netty reports leaks only when its logger "
            + "io.netty.util.ResourceLeakDetector logs errors; enable ERROR for it so leaks fail the tests");
      }
      detector.setLeakListener((resourceType, records) ->
          LEAKS.add("LEAK: " + resourceType + ".release() was not called before it was garbage-collected."
              + (records.isEmpty() ? "" : System.lineSeparator() + records)));
      installed = true;
    }
  }

  @SuppressWarnings("unchecked")
  private static ResourceLeakDetector<ByteBuf> byteBufDetector() {
    // Every allocator's buffers are tracked by this one detector, created when AbstractByteBuf loads.
    try {
      Field field = AbstractByteBuf.class.getDeclaredField("leakDetector");
      field.setAccessible(true);
      return (ResourceLeakDetector<ByteBuf>) field.get(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new ExtensionConfigurationException("cannot reach Netty's ByteBuf leak detector", e);
    }
  }

  private static boolean reports(ResourceLeakDetector<?> detector) {
    try {
      Method needReport = ResourceLeakDetector.class.getDeclaredMethod("needReport");
      needReport.setAccessible(true);
      return (boolean) needReport.invoke(detector);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new ExtensionConfigurationException("cannot ask Netty's leak detector whether it reports", e);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    List<String> leaks = collectLeaks();
    if (!leaks.isEmpty()) {
      throw new AssertionError(leaks.size() + " ByteBuf leak(s) reported by Netty after "
          + context.getDisplayName() + " (or an earlier test class):" + System.lineSeparator()
          + String.join(System.lineSeparator() + System.lineSeparator(), leaks));
    }
  }

  /**
   * Collects garbage, lets the detector report what it found, and returns (and forgets) every leak
   * reported so far.
   *
   * @return the leak reports, empty when nothing leaked
   * @throws InterruptedException when interrupted while waiting for the garbage collector
   */
  static List<String> collectLeaks() throws InterruptedException {
    for (int round = 0; round < DRAIN_ROUNDS; round++) {
      collectGarbage();
      allocateAndRelease();
    }
    List<String> leaks = new ArrayList<>();
    String leak;
    while ((leak = LEAKS.poll()) != null) {
      leaks.add(leak);
    }
    return leaks;
  }

  private static void collectGarbage() throws InterruptedException {
    ReferenceQueue<Object> queue = new ReferenceQueue<>();
    WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
    // Once the sentinel is enqueued, the references cleared by the same collection are being enqueued too.
    Reference<?> cleared = null;
    for (int i = 0; i < 20 && cleared == null; i++) {
      System.gc();
      cleared = queue.remove(50);
    }
    Reference.reachabilityFence(sentinel);
  }

  private static void allocateAndRelease() {
    // The detector polls its queue of collected, unreleased buffers whenever it tracks a new buffer; at
    // levels below PARANOID it tracks one allocation in 128, hence the count.
    for (int i = 0; i < 256; i++) {
      ByteBufAllocator[] allocators = {ByteBufAllocator.DEFAULT, PooledByteBufAllocator.DEFAULT,
          UnpooledByteBufAllocator.DEFAULT};
      for (ByteBufAllocator allocator : allocators) {
        allocator.buffer(16).release();
        allocator.directBuffer(16).release();
      }
      if (ResourceLeakDetector.getLevel() == ResourceLeakDetector.Level.PARANOID) {
        return;
      }
    }
  }
}
