package io.reactivemicro.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/**
 * How busy the machine was with work other than the benchmark's: a sample of the kernel's CPU counters
 * ({@code /proc/stat}: busy, idle and steal time of all cores) and of the CPU time of the benchmark's own
 * processes ({@code /proc/<pid>/stat}). Between two samples, what the cores were busy with beyond the
 * benchmark's processes is the share of the machine that something else took, and steal is what the
 * hypervisor gave to other guests. On a machine without {@code /proc}, both read as unknown.
 *
 * @param busyTicks busy time of all cores (user, nice, system, irq, softirq), in clock ticks
 * @param totalTicks all time of all cores, steal included, in clock ticks
 * @param stealTicks steal time of all cores, in clock ticks
 * @param ownTicks CPU time of the benchmark's processes (user and system), in clock ticks
 * @param known whether the counters could be read
 */
record MachineLoad(long busyTicks, long totalTicks, long stealTicks, long ownTicks, boolean known) {

  /**
   * Samples the machine and the benchmark's processes.
   *
   * @param pids the benchmark's processes: the suite, its client and server JVMs
   * @return the sample
   */
  static MachineLoad sample(Collection<Long> pids) {
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = cpu.trim().split("\\s+");
      long user = Long.parseLong(f[1]);
      long nice = Long.parseLong(f[2]);
      long system = Long.parseLong(f[3]);
      long idle = Long.parseLong(f[4]);
      long iowait = Long.parseLong(f[5]);
      long irq = Long.parseLong(f[6]);
      long softirq = Long.parseLong(f[7]);
      long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
      long own = 0;
      for (long pid : pids) {
        own += processTicks(pid);
      }
      long busy = user + nice + system + irq + softirq;
      return new MachineLoad(busy, busy + idle + iowait + steal, steal, own, true);
    } catch (IOException | RuntimeException e) {
      return new MachineLoad(0, 0, 0, 0, false);
    }
  }

  // The 14th and 15th fields, after the command name in parentheses, which may hold spaces.
  private static long processTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return 0; // The process has ended.
    }
  }

  /**
   * Returns the share of the machine's time since {@code earlier} that processes other than the
   * benchmark's kept busy, between 0 and 1, or -1 when unknown.
   *
   * @param earlier the earlier sample, of the same processes
   * @return the share
   */
  double foreignShareSince(MachineLoad earlier) {
    long total = totalTicks - earlier.totalTicks;
    if (!known || !earlier.known || total <= 0) {
      return -1;
    }
    long foreign = (busyTicks - earlier.busyTicks) - (ownTicks - earlier.ownTicks);
    return Math.max(0, Math.min(1, foreign / (double) total));
  }

  /**
   * Returns the share of the machine's time since {@code earlier} stolen by the hypervisor, or -1 when
   * unknown.
   *
   * @param earlier the earlier sample
   * @return the share
   */
  double stealShareSince(MachineLoad earlier) {
    long total = totalTicks - earlier.totalTicks;
    if (!known || !earlier.known || total <= 0) {
      return -1;
    }
    return (stealTicks - earlier.stealTicks) / (double) total;
  }
}
