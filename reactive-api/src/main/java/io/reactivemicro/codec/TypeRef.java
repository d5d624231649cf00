package io.reactivemicro.codec;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * A type to decode to, generic types included, that carries its Java type parameter, so that a call
 * typed by it needs no explicit type arguments:
 *
 * <pre>{@code
 * Mono<List<Order>> orders = client.call("orders", "Orders.List", query, new TypeRef<List<Order>>() {});
 * Mono<Reply> reply = client.call("helloworld", "Helloworld.Greeting", request, TypeRef.of(Reply.class));
 * }</pre>
 *
 * <p>Subclass it anonymously for a generic type, as Jackson's {@code TypeReference}, or use
 * {@link #of(Class)}. Two references to the same type are equal.
 *
 * @param <T> the type
 */
public abstract class TypeRef<T> {

  private final Type type;

  /** Captures the type argument of the anonymous subclass. */
  protected TypeRef() {
    Type superclass = getClass().getGenericSuperclass();
    if (!(superclass instanceof ParameterizedType parameterized)) {
      throw new IllegalArgumentException("a TypeRef must be created with its type argument: new TypeRef<List<Order>>() {}");
    }
    this.type = parameterized.getActualTypeArguments()[0];
  }

  private TypeRef(Type type) {
    this.type = Objects.requireNonNull(type, "type");
  }

  /**
   * Returns the reference to a class.
   *
   * @param type the class
   * @param <T> the type
   * @return the reference
   */
  public static <T> TypeRef<T> of(Class<T> type) {
    return new TypeRef<>(type) {};
  }

  /**
   * Returns the reference to a type known only at run time, such as a method's return type found by
   * reflection; its values are typed {@code Object}.
   *
   * @param type the type
   * @return the reference
   */
  public static TypeRef<Object> ofType(Type type) {
    return new TypeRef<>(type) {};
  }

  /** Returns the type referred to. */
  public Type type() {
    return type;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TypeRef<?> other && type.equals(other.type);
  }

  @Override
  public int hashCode() {
    return type.hashCode();
  }

  @Override
  public String toString() {
    return "TypeRef<" + type.getTypeName() + ">";
  }
}
