package io.reactivemicro.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the endpoints of a handler class, or of the interface it implements, instead of the class's
 * simple name. On an interface it also names the endpoints of a typed client proxy, so one interface
 * can serve both sides.
 *
 * <pre>{@code
 * @Handler("Greeter")
 * public interface GreeterApi {
 *   Mono<Reply> hello(Request request);   // endpoint Greeter.Hello
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Handler {

  /** Returns the prefix of the endpoint names, such as {@code Greeter}. */
  String value();
}
