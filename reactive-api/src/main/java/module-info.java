/**
 * Reactive Micro's API: the abstractions applications use (service, server, client, registry,
 * selector, broker, stream, store, sync, codecs, errors, metadata), their in-memory implementations,
 * and an {@code spi} package per abstraction for backend and transport authors. The {@code internal}
 * packages are not exported, apart from the operator kit, to the transport.
 */
module io.reactivemicro.api {
  requires transitive reactor.core;
  requires transitive org.reactivestreams;
  requires transitive tools.jackson.databind;
  requires transitive org.jspecify;
  requires static com.google.protobuf;
  requires static reactor.blockhound;

  exports io.reactivemicro;
  exports io.reactivemicro.broker;
  exports io.reactivemicro.broker.spi;
  exports io.reactivemicro.client;
  exports io.reactivemicro.codec;
  exports io.reactivemicro.errors;
  exports io.reactivemicro.metadata;
  exports io.reactivemicro.plugin;
  exports io.reactivemicro.plugin.spi;
  exports io.reactivemicro.registry;
  exports io.reactivemicro.registry.spi;
  exports io.reactivemicro.selector;
  exports io.reactivemicro.server;
  exports io.reactivemicro.server.spi;
  exports io.reactivemicro.store;
  exports io.reactivemicro.store.spi;
  exports io.reactivemicro.stream;
  exports io.reactivemicro.stream.spi;
  exports io.reactivemicro.sync;
  exports io.reactivemicro.sync.spi;
  exports io.reactivemicro.transport;
  exports io.reactivemicro.transport.spi;
  exports io.reactivemicro.internal.operator to io.reactivemicro.rsocket;

  // The records Jackson writes and reads: registrations, error bodies, envelopes.
  opens io.reactivemicro.registry to tools.jackson.databind;
  opens io.reactivemicro.errors to tools.jackson.databind;
  opens io.reactivemicro.broker.spi to tools.jackson.databind;

  uses io.reactivemicro.registry.spi.RegistryProvider;
  uses io.reactivemicro.broker.spi.BrokerProvider;
  uses io.reactivemicro.stream.spi.StreamProvider;
  uses io.reactivemicro.store.spi.StoreProvider;
  uses io.reactivemicro.sync.spi.SyncProvider;
  uses io.reactivemicro.transport.spi.Transport;

  provides io.reactivemicro.registry.spi.RegistryProvider with io.reactivemicro.internal.provider.MemoryRegistryProvider;
  provides io.reactivemicro.broker.spi.BrokerProvider with io.reactivemicro.internal.provider.MemoryBrokerProvider;
  provides io.reactivemicro.stream.spi.StreamProvider with io.reactivemicro.internal.provider.MemoryStreamProvider;
  provides io.reactivemicro.store.spi.StoreProvider with io.reactivemicro.internal.provider.MemoryStoreProvider;
  provides io.reactivemicro.sync.spi.SyncProvider with io.reactivemicro.internal.provider.MemorySyncProvider;
  provides reactor.blockhound.integration.BlockHoundIntegration with
      io.reactivemicro.internal.blockhound.ReactorBlockHoundIntegration,
      io.reactivemicro.internal.blockhound.NettyBlockHoundIntegration,
      io.reactivemicro.internal.blockhound.GrpcBlockHoundIntegration,
      io.reactivemicro.internal.blockhound.LettuceBlockHoundIntegration;
}
