package io.reactivemicro.internal.reflect;

import io.reactivemicro.server.Endpoint;
import io.reactivemicro.server.Handler;
import io.reactivemicro.server.InteractionModel;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.Locale;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What reflection learns of one endpoint method, once, for handlers and client proxies alike.
 *
 * @param name the endpoint name, such as {@code Helloworld.Greeting}
 * @param method the method
 * @param model the interaction model
 * @param requestType the type of a request (of each request, for a channel), or {@code null} when the
 *     method takes no argument
 * @param responseType the type of each response; {@code Void.class} for {@code Mono<Void>}
 * @param singleResponse whether the method returns a {@code Mono}
 * @param idempotent whether the method is marked idempotent
 */
public record EndpointSignature(String name, Method method, InteractionModel model, @Nullable Type requestType,
    Type responseType, boolean singleResponse, boolean idempotent) {

  /**
   * Returns the signatures of the public methods of {@code type} that return {@code Mono} or
   * {@code Flux}.
   *
   * @param type a handler class or client interface
   * @return one signature per endpoint method
   * @throws IllegalArgumentException when such a method has a shape that cannot be served, or two
   *     methods map to the same endpoint name
   */
  public static List<EndpointSignature> of(Class<?> type) {
    String prefix = prefix(type);
    List<EndpointSignature> result = new ArrayList<>();
    for (Method method : type.getMethods()) {
      if (Modifier.isStatic(method.getModifiers()) || method.isBridge() || method.isSynthetic()
          || method.getDeclaringClass() == Object.class) {
        continue;
      }
      Class<?> returned = method.getReturnType();
      if (returned != Mono.class && returned != Flux.class) {
        continue;
      }
      EndpointSignature signature = of(prefix, method);
      for (EndpointSignature other : result) {
        if (other.name.equals(signature.name)) {
          throw new IllegalArgumentException("endpoint " + signature.name + " is declared twice in "
              + type.getName() + ": " + other.method.getName() + " and " + method.getName()
              + "; endpoints are not overloaded, rename one or give it an @Endpoint name");
        }
      }
      result.add(signature);
    }
    return result;
  }

  private static EndpointSignature of(String prefix, Method method) {
    Endpoint annotation = endpointAnnotation(method);
    String methodPart = annotation == null || annotation.value().isEmpty() ? capitalize(method.getName())
        : annotation.value();
    String name = methodPart.contains(".") ? methodPart : prefix + "." + methodPart;
    boolean idempotent = annotation != null && annotation.idempotent();
    boolean mono = method.getReturnType() == Mono.class;
    Type responseType = typeArgument(method.getGenericReturnType(), method);
    Type[] parameters = method.getGenericParameterTypes();
    if (parameters.length > 1) {
      throw new IllegalArgumentException(describe(method) + " takes " + parameters.length
          + " arguments; an endpoint takes one request (read metadata with Metadata.current())");
    }
    if (parameters.length == 0) {
      return new EndpointSignature(name, method, mono ? InteractionModel.REQUEST_RESPONSE
          : InteractionModel.REQUEST_STREAM, null, responseType, mono, idempotent);
    }
    Class<?> parameter = method.getParameterTypes()[0];
    if (Publisher.class.isAssignableFrom(parameter)) {
      if (parameter != Flux.class && parameter != Publisher.class) {
        throw new IllegalArgumentException(describe(method) + " takes a " + parameter.getSimpleName()
            + "; a channel endpoint takes a Flux or Publisher of requests");
      }
      return new EndpointSignature(name, method, InteractionModel.REQUEST_CHANNEL,
          typeArgument(parameters[0], method), responseType, mono, idempotent);
    }
    return new EndpointSignature(name, method, mono ? InteractionModel.REQUEST_RESPONSE
        : InteractionModel.REQUEST_STREAM, parameters[0], responseType, mono, idempotent);
  }

  /**
   * Returns the prefix of the endpoint names of {@code type}: its {@link Handler} name, that of the first
   * interface it implements that has one, or its simple name.
   *
   * @param type a handler class or client interface
   * @return the prefix
   */
  public static String prefix(Class<?> type) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      Handler own = c.getAnnotation(Handler.class);
      if (own != null) {
        return own.value();
      }
      for (Class<?> iface : c.getInterfaces()) {
        Handler inherited = iface.getAnnotation(Handler.class);
        if (inherited != null) {
          return inherited.value();
        }
      }
    }
    return type.getSimpleName();
  }

  /**
   * Returns the {@link Endpoint} of a method or, when it has none, of the method it overrides or
   * implements, so that a handler serves the names the interface it shares with client proxies declares.
   */
  private static @Nullable Endpoint endpointAnnotation(Method method) {
    Endpoint own = method.getAnnotation(Endpoint.class);
    if (own != null) {
      return own;
    }
    Deque<Class<?>> types = new ArrayDeque<>();
    types.add(method.getDeclaringClass());
    Set<Class<?>> seen = new HashSet<>();
    while (!types.isEmpty()) {
      Class<?> type = types.poll();
      if (!seen.add(type)) {
        continue;
      }
      if (type != method.getDeclaringClass()) {
        try {
          Endpoint inherited = type.getDeclaredMethod(method.getName(), method.getParameterTypes())
              .getAnnotation(Endpoint.class);
          if (inherited != null) {
            return inherited;
          }
        } catch (NoSuchMethodException notDeclaredThere) {
          // keep looking further up
        }
      }
      if (type.getSuperclass() != null) {
        types.add(type.getSuperclass());
      }
      types.addAll(Arrays.asList(type.getInterfaces()));
    }
    return null;
  }

  private static Type typeArgument(Type type, Method method) {
    if (type instanceof ParameterizedType p) {
      Type argument = p.getActualTypeArguments()[0];
      if (argument instanceof WildcardType w) {
        argument = w.getUpperBounds()[0];
      }
      return argument;
    }
    throw new IllegalArgumentException(describe(method) + " uses a raw " + ((Class<?>) type).getSimpleName()
        + "; declare its element type, such as Mono<Reply>");
  }

  private static String capitalize(String name) {
    return name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
  }

  private static String describe(Method method) {
    return method.getDeclaringClass().getSimpleName() + "#" + method.getName();
  }
}
