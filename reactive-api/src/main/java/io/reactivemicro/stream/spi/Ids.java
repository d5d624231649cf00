package io.reactivemicro.stream.spi;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Random ids that never block: {@link UUID#randomUUID()} may block reading the system's entropy. */
public final class Ids {

  private Ids() {}

  /** Returns a random version-4 UUID string drawn from {@link ThreadLocalRandom}. */
  public static String random() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long most = (random.nextLong() & ~0xF000L) | 0x4000L;
    long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(most, least).toString();
  }
}
