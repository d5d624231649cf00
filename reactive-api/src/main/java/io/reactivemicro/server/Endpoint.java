package io.reactivemicro.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Overrides the name of an endpoint method, or marks it idempotent so that clients may retry it on
 * another node. Works on handler methods and on the methods of a typed client interface.
 *
 * <pre>{@code
 * @Endpoint(value = "Lookup", idempotent = true)
 * public Mono<User> find(UserQuery query) { ... }   // Users.Lookup
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Endpoint {

  /**
   * Returns the endpoint name: a method part such as {@code Lookup}, put after the handler's prefix, or
   * a full name with a dot such as {@code Users.Lookup}. Empty keeps the derived name.
   */
  String value() default "";

  /** Returns whether running the endpoint twice has the effect of running it once. */
  boolean idempotent() default false;
}
