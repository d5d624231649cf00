package io.reactivemicro.internal.reflect;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.reactivemicro.registry.Value;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Describes Java types as registry {@link Value}s: field names as JSON sees them, types in Go Micro's
 * vocabulary ({@code string}, {@code int64}, {@code []Item}, {@code map[string]int32}), nested.
 */
public final class TypeDescriber {

  private static final int MAX_DEPTH = 8;

  private TypeDescriber() {}

  /**
   * Describes a request or response type.
   *
   * @param type the type, or {@code null} for none
   * @return its description, or {@code null} for {@code null} or {@code Void}
   */
  public static @Nullable Value describe(@Nullable Type type) {
    if (type == null || type == Void.class || type == void.class) {
      return null;
    }
    String name = typeName(type);
    return new Value(name, name, fields(type, new HashSet<>(), 0));
  }

  private static Value field(String name, Type type, Set<Type> path, int depth) {
    return new Value(name, typeName(type), fields(type, path, depth));
  }

  private static List<Value> fields(Type type, Set<Type> path, int depth) {
    Type element = elementType(type);
    if (element != null) {
      return fields(element, path, depth);
    }
    Class<?> raw = raw(type);
    if (raw == null || scalar(raw) != null || Map.class.isAssignableFrom(raw) || raw.isEnum()
        || depth >= MAX_DEPTH || !path.add(raw)) {
      return List.of();
    }
    try {
      List<Value> values = new ArrayList<>();
      if (raw.isRecord()) {
        for (RecordComponent component : raw.getRecordComponents()) {
          // Jackson's annotations do not target record components; javac puts them on the field.
          AnnotatedElement annotated = componentField(raw, component);
          if (!ignored(annotated)) {
            values.add(field(jsonName(annotated, component.getName()), component.getGenericType(), path, depth + 1));
          }
        }
      } else if (!raw.getName().startsWith("java.") && !isProtobuf(raw)) {
        for (Class<?> c = raw; c != null && c != Object.class; c = c.getSuperclass()) {
          for (Field f : c.getDeclaredFields()) {
            int mods = f.getModifiers();
            if (Modifier.isStatic(mods) || Modifier.isTransient(mods) || f.isSynthetic() || ignored(f)) {
              continue;
            }
            values.add(field(jsonName(f, f.getName()), f.getGenericType(), path, depth + 1));
          }
        }
      }
      return values;
    } finally {
      path.remove(raw);
    }
  }

  static String typeName(Type type) {
    Type element = elementType(type);
    if (element != null) {
      return "[]" + typeName(element);
    }
    if (type instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      if (Map.class.isAssignableFrom(raw)) {
        Type[] args = p.getActualTypeArguments();
        return "map[" + typeName(args[0]) + "]" + typeName(args[1]);
      }
      if (raw == Optional.class) {
        return typeName(p.getActualTypeArguments()[0]);
      }
      return raw.getSimpleName();
    }
    Class<?> raw = raw(type);
    if (raw == null) {
      return "object";
    }
    String scalar = scalar(raw);
    if (scalar != null) {
      return scalar;
    }
    if (raw.isEnum()) {
      return "string";
    }
    if (Map.class.isAssignableFrom(raw)) {
      return "map[string]object";
    }
    return raw.getSimpleName();
  }

  private static @Nullable Type elementType(Type type) {
    if (type == byte[].class || type == ByteBuffer.class) {
      return null;
    }
    if (type instanceof Class<?> c && c.isArray()) {
      return c.getComponentType();
    }
    if (type instanceof GenericArrayType g) {
      return g.getGenericComponentType();
    }
    if (type instanceof ParameterizedType p && Collection.class.isAssignableFrom((Class<?>) p.getRawType())) {
      return p.getActualTypeArguments()[0];
    }
    return null;
  }

  private static @Nullable String scalar(Class<?> c) {
    if (c == String.class || c == char.class || c == Character.class || c == UUID.class
        || CharSequence.class.isAssignableFrom(c)) {
      return "string";
    }
    if (c == boolean.class || c == Boolean.class) {
      return "bool";
    }
    if (c == int.class || c == Integer.class || c == short.class || c == Short.class || c == byte.class
        || c == Byte.class) {
      return "int32";
    }
    if (c == long.class || c == Long.class || c == BigInteger.class) {
      return "int64";
    }
    if (c == float.class || c == Float.class) {
      return "float32";
    }
    if (c == double.class || c == Double.class || c == BigDecimal.class) {
      return "float64";
    }
    if (c == byte[].class || c == ByteBuffer.class) {
      return "bytes";
    }
    if (Temporal.class.isAssignableFrom(c) || c == java.util.Date.class) {
      return "timestamp";
    }
    if (c == Object.class) {
      return "object";
    }
    return null;
  }

  private static @Nullable Class<?> raw(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    if (type instanceof WildcardType w) {
      return raw(w.getUpperBounds()[0]);
    }
    if (type instanceof TypeVariable<?> v) {
      return raw(v.getBounds()[0]);
    }
    return null;
  }

  private static boolean isProtobuf(Class<?> c) {
    for (Class<?> s = c; s != null; s = s.getSuperclass()) {
      if (s.getName().startsWith("com.google.protobuf.")) {
        return true;
      }
    }
    return false;
  }

  private static AnnotatedElement componentField(Class<?> record, RecordComponent component) {
    try {
      return record.getDeclaredField(component.getName());
    } catch (NoSuchFieldException impossible) {
      return component;
    }
  }

  private static boolean ignored(AnnotatedElement element) {
    JsonIgnore ignore = element.getAnnotation(JsonIgnore.class);
    return ignore != null && ignore.value();
  }

  private static String jsonName(AnnotatedElement element, String fallback) {
    JsonProperty property = element.getAnnotation(JsonProperty.class);
    return property != null && !property.value().isEmpty() ? property.value() : fallback;
  }
}
