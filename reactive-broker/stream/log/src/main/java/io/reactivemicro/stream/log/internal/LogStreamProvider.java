package io.reactivemicro.stream.log.internal;

import io.reactivemicro.plugin.Settings;
import io.reactivemicro.stream.Stream;
import io.reactivemicro.stream.log.LogStream;
import io.reactivemicro.stream.spi.StreamProvider;
import java.nio.file.Path;
import java.util.List;

/**
 * Provides {@code log}: a {@link LogStream} in the directory {@code stream_address} names
 * ({@code MICRO_STREAM_ADDRESS=/var/lib/orders}), {@code ~/.micro/stream} by default.
 * {@code stream_log_fsync=false} turns the fsync after each commit off.
 */
public final class LogStreamProvider implements StreamProvider {

  @Override
  public String name() {
    return "log";
  }

  @Override
  public Stream create(Settings settings) {
    List<String> addresses = settings.addresses("stream");
    Path directory = addresses.isEmpty()
        ? Path.of(System.getProperty("user.home"), ".micro", "stream")
        : Path.of(addresses.get(0));
    boolean fsync = !settings.get("stream_log_fsync").map("false"::equalsIgnoreCase).orElse(false);
    return LogStream.builder(directory).fsync(fsync).build();
  }
}
