package io.reactivemicro.transport.spi;

import io.reactivemicro.codec.Codec;
import io.reactivemicro.transport.ConnectionFailedException;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Sends encoded requests to nodes by address and decodes what comes back. One connection per node is
 * kept, shared by all calls, and opened again when lost. Errors from the remote side arrive as
 * {@link io.reactivemicro.errors.MicroException}; a node that cannot be reached fails the call with
 * {@link ConnectionFailedException} before anything is sent.
 */
public interface ClientTransport {

  /**
   * Closes every connection; calls in flight end with an error and later calls fail.
   *
   * @return a {@code Mono} that completes once the connections are closed
   */
  Mono<Void> close();

  /**
   * Sends a request and receives at most one response.
   *
   * @param address the node, {@code host:port}
   * @param request the request
   * @param decoder decodes the response
   * @return a {@code Mono} of the response; empty when the endpoint returned none
   */
  Mono<Object> requestResponse(String address, OutboundRequest request, Codec.Decoder decoder);

  /**
   * Sends a request and receives a stream of responses, with demand sent to the node.
   *
   * @param address the node
   * @param request the request
   * @param decoder decodes each response
   * @return a {@code Flux} of responses; cancelling it cancels the remote stream
   */
  Flux<Object> requestStream(String address, OutboundRequest request, Codec.Decoder decoder);

  /**
   * Opens a channel: {@code request} (endpoint, headers and first message) then {@code rest}.
   *
   * @param address the node
   * @param request the first message with the channel's endpoint and headers
   * @param rest the further encoded messages, sent as the node asks for them
   * @param decoder decodes each response
   * @return a {@code Flux} of responses
   */
  Flux<Object> requestChannel(String address, OutboundRequest request, Publisher<byte[]> rest,
      Codec.Decoder decoder);

  /**
   * Sends a request and expects no response.
   *
   * @param address the node
   * @param request the request
   * @return a {@code Mono} that completes once the request is written
   */
  Mono<Void> fireAndForget(String address, OutboundRequest request);
}
