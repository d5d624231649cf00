package io.reactivemicro.stream.spi;

import java.time.Duration;
import reactor.core.publisher.Mono;

/** Acknowledges the events a backend delivers; see {@link Events#create}. */
public interface Acknowledger {

  /** Acknowledges the event: it is not delivered again. */
  Mono<Void> ack();

  /** Gives the event back for redelivery after {@code delay}, which is not negative. */
  Mono<Void> nack(Duration delay);
}
