package io.reactivemicro.broker.spi;

import io.reactivemicro.errors.MicroException;
import org.jspecify.annotations.Nullable;

/** Topic validation shared by the brokers, so that every backend refuses the same names the same way. */
public final class Topics {

  private Topics() {}

  /**
   * Checks a topic name.
   *
   * @param id the id of the error, such as the broker's name
   * @param topic the topic
   * @return the topic
   * @throws MicroException a {@code 400} when the topic is blank or holds whitespace
   */
  public static String check(String id, @Nullable String topic) {
    if (topic == null || topic.isBlank() || topic.chars().anyMatch(Character::isWhitespace)) {
      throw MicroException.badRequest(id, "invalid topic '%s': it must be non-empty, without whitespace", topic);
    }
    return topic;
  }
}
