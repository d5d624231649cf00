package io.reactivemicro.stream.log;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import reactor.core.publisher.Flux;

/**
 * A process that owns a log and publishes to it until it is killed, printing {@code ok <n>} once the
 * publish of event {@code n} has completed.
 */
public final class LogWriterMain {

  private LogWriterMain() {}

  /**
   * Publishes forever.
   *
   * @param args the log directory and the topic
   */
  public static void main(String[] args) {
    LogStream stream = LogStream.builder(Path.of(args[0])).build();
    System.out.println("ready");
    Flux.range(0, Integer.MAX_VALUE)
        .flatMap(i -> stream.publish(args[1], Integer.toString(i).getBytes(StandardCharsets.UTF_8))
            .doOnSuccess(v -> {
              synchronized (System.out) {
                System.out.println("ok " + i);
                System.out.flush();
              }
            }), 8)
        .blockLast();
  }
}
