package io.reactivemicro.selector;

/**
 * What a selector remembers of a failing node: how many times in a row it failed, until when it is
 * avoided, and whether a probe call is in flight. Thread-safe; times are the selector clock's
 * milliseconds.
 */
final class NodeHealth {

  private final long initialMillis;
  private final long maxMillis;
  private final long probeLeaseMillis;
  private int failures;
  private long until;
  private boolean probing;
  private long probeSince;

  NodeHealth(long initialMillis, long maxMillis, long probeLeaseMillis) {
    this.initialMillis = initialMillis;
    this.maxMillis = maxMillis;
    this.probeLeaseMillis = probeLeaseMillis;
  }

  /** Returns whether a call may go to the node now: it is not backing off, and no probe is in flight. */
  synchronized boolean usable(long now) {
    return failures == 0 || (now >= until && !probeInFlight(now));
  }

  /** Returns until when the node is avoided. */
  synchronized long until() {
    return until;
  }

  /**
   * Returns whether a call may go to the node now, taking the probe slot when its back-off has run out:
   * then this call is the one probe until it ends.
   */
  synchronized boolean claim(long now) {
    if (failures == 0) {
      return true;
    }
    if (now < until || probeInFlight(now)) {
      return false;
    }
    probing = true;
    probeSince = now;
    return true;
  }

  /**
   * Records a failure. Calls that were already in flight when the node started backing off fail too:
   * they do not lengthen the back-off, only a failure once it ran out (a failed probe) does.
   */
  synchronized void failed(long now) {
    if (failures == 0 || now >= until) {
      failures++;
      until = now + backoff(failures);
    }
    probing = false;
  }

  /** Frees the probe slot when a call ends without saying anything about the node. */
  synchronized void released() {
    probing = false;
  }

  /** Returns the failures in a row. */
  synchronized int failures() {
    return failures;
  }

  private boolean probeInFlight(long now) {
    // A probe whose end was never reported (its caller vanished) stops blocking others after the lease.
    return probing && now - probeSince < probeLeaseMillis;
  }

  private long backoff(int failures) {
    int doublings = Math.min(failures - 1, 30);
    long millis = initialMillis << doublings;
    return millis <= 0 || millis > maxMillis ? maxMillis : millis;
  }
}
