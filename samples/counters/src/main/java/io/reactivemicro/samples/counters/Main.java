package io.reactivemicro.samples.counters;

import io.reactivemicro.Service;
import io.reactivemicro.plugin.Settings;
import java.time.Duration;

/**
 * Runs a counters instance until the JVM is asked to stop. It listens on {@code :8081} unless
 * {@code --server_address} says otherwise; Go Micro's flags and {@code MICRO_*} variables choose the rest:
 * with nothing, the store and sync are in memory (one instance); instances started with
 * {@code --store=redis --sync=redis} (or {@code postgres}) share their counters and elect one leader.
 * {@code --leader_ttl=10s} sets how long a vanished leader stays leader.
 *
 * <pre>
 * java -jar counters.jar --store=redis --sync=redis --server_address=:8082
 * curl -XPOST -H 'Micro-Endpoint: Counters.Increment' -d '{"name":"a","by":1}' http://localhost:8082
 * </pre>
 */
public final class Main {

  private Main() {}

  /**
   * Starts an instance.
   *
   * @param args Go Micro flags, such as {@code --store=redis --sync=redis --server_address=:8082}
   */
  public static void main(String[] args) {
    Settings settings = Settings.fromEnvironment(args);
    Duration ttl = settings.get("leader_ttl").map(Main::duration).orElse(CountersService.DEFAULT_LEADER_TTL);
    CountersService.create(Service.builder("counters")
            .args(args)
            .address(settings.get("server_address").orElse(":8081")), ttl)
        .run();
  }

  /**
   * Parses a duration such as {@code 10s}, {@code 500ms}, {@code 2m} or {@code 10} (seconds).
   *
   * @throws IllegalArgumentException when it is not one, or not positive
   */
  static Duration duration(String text) {
    String value = text.trim();
    Duration duration;
    try {
      if (value.endsWith("ms")) {
        duration = Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
      } else if (value.endsWith("s")) {
        duration = Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
      } else if (value.endsWith("m")) {
        duration = Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
      } else {
        duration = Duration.ofSeconds(Long.parseLong(value));
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a duration: " + text + " (such as 10s, 500ms, 2m)", e);
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("the duration must be positive: " + text);
    }
    return duration;
  }
}
