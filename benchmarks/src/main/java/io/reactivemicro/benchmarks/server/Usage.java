package io.reactivemicro.benchmarks.server;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * The CPU time and the bytes allocated so far by this JVM's threads (event loops and the rest; not the
 * JIT compiler's or the garbage collector's, which a short run would otherwise charge to its few
 * operations). Sampled around measurement iterations on both sides, their growth per operation tells
 * how much work an operation costs, a figure that other load on the machine changes much less than
 * throughput.
 *
 * <p>The JIT compilers' time is kept apart, to tell when a JVM has compiled its hot code: throughput can
 * look steady while the compilers are still busy, and change when they finish.
 *
 * @param cpuNanos CPU time of the threads alive now
 * @param allocatedBytes bytes allocated by the threads alive now
 * @param compileMillis the JIT compilers' time so far, summed over their threads
 */
public record Usage(long cpuNanos, long allocatedBytes, long compileMillis) {

  /** No usage. */
  public static final Usage NONE = new Usage(0, 0, 0);

  /** Samples this JVM. */
  public static Usage sample() {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long[] ids = threads.getAllThreadIds();
    long allocated = 0;
    for (long bytes : threads.getThreadAllocatedBytes(ids)) {
      allocated += Math.max(0, bytes);
    }
    long cpu = 0;
    for (long nanos : threads.getThreadCpuTime(ids)) {
      cpu += Math.max(0, nanos);
    }
    CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
    long compiled = compiler != null && compiler.isCompilationTimeMonitoringSupported()
        ? compiler.getTotalCompilationTime() : 0;
    return new Usage(cpu, allocated, compiled);
  }

  /** Returns this sample as the text {@code BenchServer} prints. */
  public String text() {
    return cpuNanos + " " + allocatedBytes + " " + compileMillis;
  }

  /** Parses {@link #text()}. */
  public static Usage parse(String text) {
    String[] parts = text.trim().split(" ");
    return new Usage(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]));
  }

  /** Returns the growth since an earlier sample. */
  public Usage minus(Usage earlier) {
    return new Usage(cpuNanos - earlier.cpuNanos, allocatedBytes - earlier.allocatedBytes,
        compileMillis - earlier.compileMillis);
  }

  /** Returns the sum of two growths. */
  public Usage plus(Usage other) {
    return new Usage(cpuNanos + other.cpuNanos, allocatedBytes + other.allocatedBytes,
        compileMillis + other.compileMillis);
  }
}
