package io.reactivemicro.benchmarks.server;

import java.lang.management.ManagementFactory;

/**
 * The CPU time and the bytes allocated so far by this JVM's threads (event loops and the rest; not the
 * JIT compiler's or the garbage collector's, which a short run would otherwise charge to its few
 * operations). Sampled around measurement iterations on both sides, their growth per operation tells
 * how much work an operation costs, a figure that other load on the machine changes much less than
 * throughput.
 *
 * @param cpuNanos CPU time of the threads alive now
 * @param allocatedBytes bytes allocated by the threads alive now
 */
public record Usage(long cpuNanos, long allocatedBytes) {

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
    return new Usage(cpu, allocated);
  }

  /** Returns this sample as the text {@code BenchServer} prints. */
  public String text() {
    return cpuNanos + " " + allocatedBytes;
  }

  /** Parses {@link #text()}. */
  public static Usage parse(String text) {
    String[] parts = text.trim().split(" ");
    return new Usage(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
  }

  /** Returns the growth since an earlier sample. */
  public Usage minus(Usage earlier) {
    return new Usage(cpuNanos - earlier.cpuNanos, allocatedBytes - earlier.allocatedBytes);
  }

  /** Returns the sum of two growths. */
  public Usage plus(Usage other) {
    return new Usage(cpuNanos + other.cpuNanos, allocatedBytes + other.allocatedBytes);
  }
}
