package io.reactivemicro.stream.spi;

import io.reactivemicro.errors.MicroException;
import java.util.regex.Pattern;

/** Checks topic names. */
public final class Topics {

  /** The error id of stream errors. */
  public static final String ERROR_ID = "io.reactivemicro.stream";

  private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,200}");

  private Topics() {}

  /**
   * Checks a topic: 1 to 200 letters, digits, {@code .}, {@code -} or {@code _}, not starting or ending
   * with {@code .} and without {@code ..}.
   *
   * @return the topic
   * @throws MicroException a 400 naming the problem
   */
  public static String check(String topic) {
    if (topic == null || !TOPIC.matcher(topic).matches() || topic.startsWith(".") || topic.endsWith(".")
        || topic.contains("..")) {
      throw MicroException.badRequest(ERROR_ID,
          "bad topic \"%s\": use 1 to 200 letters, digits, '.', '-' or '_' (no empty '.'-separated part)", topic);
    }
    return topic;
  }
}
