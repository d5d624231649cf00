package io.reactivemicro.client;

import io.reactivemicro.codec.TypeRef;
import io.reactivemicro.internal.reflect.EndpointSignature;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Turns calls of a typed interface into client calls; the method table is built once. */
final class ProxyHandler implements InvocationHandler {

  private final Client client;
  private final Class<?> api;
  private final String service;
  private final @Nullable String address;
  private final Map<Method, Route> routes = new HashMap<>();

  /** What a method's calls need, made once: its endpoint, its options and its response type. */
  private record Route(EndpointSignature signature, RequestOptions options, TypeRef<Object> responseType) {}

  ProxyHandler(Client client, Class<?> api, String service, RequestOptions base) {
    this.client = client;
    this.api = api;
    this.service = service;
    this.address = base.address();
    for (EndpointSignature signature : EndpointSignature.of(api)) {
      routes.put(signature.method(), new Route(signature, signature.idempotent() ? base.withIdempotent(true) : base,
          TypeRef.ofType(signature.responseType())));
    }
  }

  @Override
  public @Nullable Object invoke(Object proxy, Method method, Object @Nullable [] args) {
    Route route = routes.get(method);
    if (route == null) {
      return objectMethod(proxy, method, args);
    }
    EndpointSignature signature = route.signature();
    Object argument = args == null || args.length == 0 ? null : args[0];
    return switch (signature.model()) {
      case REQUEST_RESPONSE -> client.call(service, signature.name(), argument, route.responseType(), route.options());
      case REQUEST_STREAM -> client.stream(service, signature.name(), argument, route.responseType(), route.options());
      case REQUEST_CHANNEL -> {
        Flux<Object> responses = client.channel(service, signature.name(),
            argument == null ? Flux.empty() : (Publisher<?>) argument, route.responseType(), route.options());
        yield signature.singleResponse() ? responses.next() : responses;
      }
    };
  }

  private Object objectMethod(Object proxy, Method method, Object @Nullable [] args) {
    return switch (method.getName()) {
      case "equals" -> args != null && args.length == 1 && proxy == args[0];
      case "hashCode" -> System.identityHashCode(proxy);
      case "toString" -> api.getSimpleName() + " proxy of "
          + (service.isEmpty() ? "the node at " + address : "service " + service);
      default -> throw new UnsupportedOperationException(method + " is not an endpoint: it must return Mono or Flux");
    };
  }
}
