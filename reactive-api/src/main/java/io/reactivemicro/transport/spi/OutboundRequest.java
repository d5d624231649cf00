package io.reactivemicro.transport.spi;

import io.reactivemicro.metadata.Metadata;

/**
 * A request as the client hands it to a transport: already encoded.
 *
 * @param endpoint the endpoint name, such as {@code Helloworld.Greeting}
 * @param contentType the content type of the data
 * @param metadata the headers to send; {@code Authorization: Bearer ...} travels in the transport's
 *     authentication slot where it has one
 * @param data the encoded request; for a channel, the first message
 */
public record OutboundRequest(String endpoint, String contentType, Metadata metadata, byte[] data) {}
