package io.reactivemicro.samples.counters;

import io.reactivemicro.codec.JsonCodec;
import io.reactivemicro.errors.MicroException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import reactor.core.publisher.Mono;

/** Calls an instance as curl does: {@code POST /} with a {@code Micro-Endpoint} header and a JSON body. */
final class Http {

  private static final JsonCodec JSON = new JsonCodec();
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Http() {}

  /** Calls {@code endpoint} on {@code address}; a non-200 answer fails the {@code Mono} with its error. */
  static <T> Mono<T> call(String address, String endpoint, Object request, Class<T> type) {
    return Mono.defer(() -> {
      HttpRequest http = HttpRequest.newBuilder(URI.create("http://" + address + "/"))
          .timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/json")
          .header("Micro-Endpoint", endpoint)
          .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.encoder(request.getClass()).encode(request)))
          .build();
      return Mono.fromFuture(() -> CLIENT.sendAsync(http, HttpResponse.BodyHandlers.ofByteArray()));
    }).map(response -> {
      if (response.statusCode() != 200) {
        throw MicroException.parse(new String(response.body(), StandardCharsets.UTF_8));
      }
      return type.cast(JSON.decoder(type).decode(ByteBuffer.wrap(response.body())));
    });
  }

  /** Asks {@code address} who leads. */
  static Mono<LeaderView> leader(String address) {
    return call(address, "Counters.Leader", Map.of(), LeaderView.class);
  }
}
