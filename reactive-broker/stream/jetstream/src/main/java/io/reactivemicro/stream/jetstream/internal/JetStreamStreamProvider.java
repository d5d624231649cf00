package io.reactivemicro.stream.jetstream.internal;

import io.reactivemicro.plugin.Settings;
import io.reactivemicro.stream.Stream;
import io.reactivemicro.stream.jetstream.JetStreamStream;
import io.reactivemicro.stream.spi.StreamProvider;
import java.util.List;

/**
 * Provides {@code jetstream}: a {@link JetStreamStream} on the NATS servers {@code stream_address}
 * names ({@code MICRO_STREAM_ADDRESS=nats://10.0.0.1:4222,10.0.0.2:4222}), {@code 127.0.0.1:4222} by
 * default; {@code stream_jetstream_name} names the JetStream stream ({@code micro-events} by default).
 * NATS backends created from settings for the same servers share one connection, closed when the last of
 * them closes.
 */
public final class JetStreamStreamProvider implements StreamProvider {

  @Override
  public String name() {
    return "jetstream";
  }

  @Override
  public Stream create(Settings settings) {
    List<String> addresses = settings.addresses("stream");
    JetStreamStream.Builder builder =
        JetStreamStream.sharedClientBuilder(addresses.isEmpty() ? List.of("127.0.0.1:4222") : addresses);
    settings.get("stream_jetstream_name").ifPresent(builder::streamName);
    return builder.build();
  }
}
