package io.reactivemicro.codec;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.Version;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.deser.ValueInstantiator;
import tools.jackson.databind.deser.ValueInstantiators;
import tools.jackson.databind.deser.std.StdValueInstantiator;
import tools.jackson.databind.introspect.AnnotatedConstructor;
import tools.jackson.databind.introspect.AnnotatedWithParams;

/**
 * Makes Jackson call the constructors that take properties (those of records and of
 * {@code @JsonCreator} constructors) through a method handle prepared once per type. Jackson 3 calls
 * them with {@code MethodHandle.invokeWithArguments}, which adapts the handle again on every object it
 * reads. What is called, and how its failures are reported, stays the same.
 */
final class ConstructorInstantiators extends JacksonModule {

  @Override
  public String getModuleName() {
    return "io.reactivemicro.codec.ConstructorInstantiators";
  }

  @Override
  public Version version() {
    return Version.unknownVersion();
  }

  @Override
  public void setupModule(SetupContext context) {
    context.addValueInstantiators(new ValueInstantiators.Base() {
      @Override
      public ValueInstantiator modifyValueInstantiator(DeserializationConfig config, BeanDescription.Supplier beanDesc,
          ValueInstantiator defaultInstantiator) {
        if (defaultInstantiator.getClass() == StdValueInstantiator.class
            && defaultInstantiator.getWithArgsCreator() instanceof AnnotatedConstructor creator) {
          MethodHandle handle = spreader(creator);
          if (handle != null) {
            return new Prepared((StdValueInstantiator) defaultInstantiator, handle);
          }
        }
        return defaultInstantiator;
      }
    });
  }

  /** Returns the constructor as a handle taking its arguments as an array, or null when it cannot be. */
  private static @Nullable MethodHandle spreader(AnnotatedConstructor creator) {
    try {
      Constructor<?> constructor = creator.getAnnotated();
      MethodHandle handle = MethodHandles.lookup().unreflectConstructor(constructor);
      return handle.asSpreader(Object[].class, constructor.getParameterCount())
          .asType(MethodType.methodType(Object.class, Object[].class));
    } catch (IllegalAccessException | RuntimeException e) {
      // Not accessible from here: Jackson's own way still works.
      return null;
    }
  }

  /** The default instantiator, calling the constructor through its prepared handle. */
  private static final class Prepared extends StdValueInstantiator {

    private final transient MethodHandle handle;

    Prepared(StdValueInstantiator source, MethodHandle handle) {
      super(source);
      this.handle = handle;
    }

    @Override
    public Object createFromObjectWith(DeserializationContext ctxt, Object[] args) throws JacksonException {
      try {
        return (Object) handle.invokeExact(args);
      } catch (Exception e) {
        return ctxt.handleInstantiationProblem(_valueClass, args, rewrapCtorProblem(ctxt, e));
      } catch (Error e) {
        throw e;
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
    }
  }
}
