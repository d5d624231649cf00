package io.reactivemicro.test;

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

/**
 * Fails a test when Netty reports a leaked {@link ByteBuf}: one that was garbage collected without being
 * released. {@link LeakDetectionExtension} checks after every test class of a module that has
 * {@code reactive-test} and Netty on its test class path; a test that must not leak on its own, such as a
 * transport's ({@code TransportContract}), calls {@link #assertNoLeaks()} after each test.
 *
 * <pre>{@code
 * @AfterEach
 * void noBufferLeaked() {
 *   NettyLeaks.assertNoLeaks();
 * }
 * }</pre>
 *
 * <p>Netty finds a leak only when a tracked buffer is garbage collected unreleased, and reports it on a
 * later allocation. So a check collects garbage until a sentinel reference is cleared, allocates and
 * releases buffers so that the detector drains its queue, and reports every leak found since the previous
 * check, with its access records. A leak found by one check may therefore come from before the previous
 * one, when its buffer was collected late. Leak detection at {@code paranoid} (tracking every buffer) is
 * what the build's test JVMs run with ({@code -Dio.netty.leakDetection.level=paranoid}); run elsewhere
 * (an IDE) without the property, the first check sets it.
 *
 * <p>This class needs Netty's {@code netty-buffer} on the class path; {@code reactive-test} does not bring
 * it, the code under test does.
 */
public final class NettyLeaks {

  private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();
  private static final int DRAIN_ROUNDS = 3;
  private static final Object INSTALL_LOCK = new Object();
  private static boolean installed;

  private NettyLeaks() {}

  /**
   * Hooks the listener into Netty's buffer leak detector, once per JVM; every check does it first. Called
   * as early as possible (before the first buffer is allocated), it catches the leaks of the first tests
   * too.
   *
   * @throws IllegalStateException when Netty's detector cannot be reached, or would not report leaks
   *     because its logger does not log errors
   */
  public static void install() {
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
        throw new IllegalStateException("Netty reports leaks only when its logger "
            + "io.netty.util.ResourceLeakDetector logs errors; enable ERROR for it so leaks fail the tests");
      }
      detector.setLeakListener((resourceType, records) ->
          LEAKS.add("LEAK: " + resourceType + ".release() was not called before it was garbage-collected."
              + (records.isEmpty() ? "" : System.lineSeparator() + records)));
      installed = true;
    }
  }

  /**
   * Fails when Netty has reported a leaked buffer since the previous check.
   *
   * @throws AssertionError listing every leak reported, with its access records
   */
  public static void assertNoLeaks() {
    assertNoLeaks("the test");
  }

  /**
   * Fails when Netty has reported a leaked buffer since the previous check.
   *
   * @param after what ran since the previous check, for the failure message ("TransportTest")
   * @throws AssertionError listing every leak reported, with its access records
   */
  public static void assertNoLeaks(String after) {
    List<String> leaks = collectLeaks();
    if (!leaks.isEmpty()) {
      throw new AssertionError(leaks.size() + " ByteBuf leak(s) reported by Netty after " + after
          + " (or earlier, for a buffer collected late):" + System.lineSeparator()
          + String.join(System.lineSeparator() + System.lineSeparator(), leaks));
    }
  }

  /**
   * Collects garbage, lets the detector report what it found, and returns (and forgets) every leak
   * reported since the previous check: for a test that reports leaks its own way, as a fuzz test does.
   *
   * @return the leak reports, empty when nothing leaked
   */
  public static List<String> collectLeaks() {
    install();
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

  @SuppressWarnings("unchecked")
  private static ResourceLeakDetector<ByteBuf> byteBufDetector() {
    // Every allocator's buffers are tracked by this one detector, created when AbstractByteBuf loads.
    try {
      Field field = AbstractByteBuf.class.getDeclaredField("leakDetector");
      field.setAccessible(true);
      return (ResourceLeakDetector<ByteBuf>) field.get(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("cannot reach Netty's ByteBuf leak detector", e);
    }
  }

  private static boolean reports(ResourceLeakDetector<?> detector) {
    try {
      Method needReport = ResourceLeakDetector.class.getDeclaredMethod("needReport");
      needReport.setAccessible(true);
      return (boolean) needReport.invoke(detector);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("cannot ask Netty's leak detector whether it reports", e);
    }
  }

  private static void collectGarbage() {
    ReferenceQueue<Object> queue = new ReferenceQueue<>();
    WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
    // Once the sentinel is enqueued, the references cleared by the same collection are being enqueued too.
    Reference<?> cleared = null;
    try {
      for (int i = 0; i < 20 && cleared == null; i++) {
        System.gc();
        cleared = queue.remove(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for the garbage collector", e);
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
