package io.reactivemicro.rsocket.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import reactor.util.Logger;

/**
 * Lets through at most a few lines per period of a log fed by what peers send, such as their protocol
 * errors, so that a hostile peer does not decide how much the server logs. The first line after a quiet
 * period says how many were left out. Thread-safe.
 */
final class LogLimiter {

  private final int perPeriod;
  private final long periodNanos;
  private final AtomicLong periodStart = new AtomicLong(System.nanoTime());
  private final AtomicLong inPeriod = new AtomicLong();
  private final AtomicLong suppressed = new AtomicLong();

  /**
   * Creates a limiter.
   *
   * @param perPeriod how many lines may be logged per period
   * @param period the period, in seconds
   */
  LogLimiter(int perPeriod, long period) {
    this.perPeriod = perPeriod;
    this.periodNanos = TimeUnit.SECONDS.toNanos(period);
  }

  /**
   * Logs a warning unless the period's lines are used up.
   *
   * @param log where to log
   * @param format the message format, with {@code {}} placeholders
   * @param args the arguments; no throwable, as these are input errors and need no stack trace
   */
  void warn(Logger log, String format, Object... args) {
    long now = System.nanoTime();
    long start = periodStart.get();
    if (now - start >= periodNanos && periodStart.compareAndSet(start, now)) {
      inPeriod.set(0);
    }
    if (inPeriod.incrementAndGet() > perPeriod) {
      suppressed.incrementAndGet();
      return;
    }
    long left = suppressed.getAndSet(0);
    if (left > 0) {
      log.warn(format + " ({} similar lines left out before this one)", append(args, left));
    } else {
      log.warn(format, args);
    }
  }

  private static Object[] append(Object[] args, Object last) {
    Object[] all = new Object[args.length + 1];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = last;
    return all;
  }
}
