package io.reactivemicro.benchmarks.report;

import org.jspecify.annotations.Nullable;

/**
 * A goal of the issue, checked against one run.
 *
 * @param scenario the scenario it is about
 * @param description what it asks, such as {@code micro-bytes ops/s ≥ 0.85× rsocket}
 * @param measured what was measured, as text, such as {@code 0.91×}
 * @param met whether it was met; {@code null} when it could not be checked
 */
public record Goal(String scenario, String description, String measured, @Nullable Boolean met) {

  /** Returns the verdict as a word. */
  public String verdict() {
    return met == null ? "NOT MEASURED" : met ? "met" : "MISSED";
  }
}
