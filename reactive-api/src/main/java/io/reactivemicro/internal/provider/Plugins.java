package io.reactivemicro.internal.provider;

import io.reactivemicro.plugin.Settings;
import io.reactivemicro.plugin.spi.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Finds backends by name through {@link ServiceLoader}. */
public final class Plugins {

  private Plugins() {}

  /**
   * Creates the backend {@code settings} choose for {@code kind}, or the named default.
   *
   * <pre>{@code
   * Registry registry = Plugins.create(RegistryProvider.class, "registry", "memory", settings);
   * }</pre>
   *
   * @param spi the plugin interface, such as {@code RegistryProvider.class}
   * @param kind the setting that names the backend, such as {@code registry}
   * @param defaultName the backend when the setting is absent
   * @param settings the settings
   * @param <T> what the provider creates
   * @param <P> the plugin interface
   * @return the backend
   * @throws IllegalArgumentException when no provider on the class path has the chosen name; the message
   *     lists the names that are available
   */
  public static <T, P extends Provider<T>> T create(Class<P> spi, String kind, String defaultName,
      Settings settings) {
    String name = settings.get(kind).orElse(defaultName).toLowerCase(Locale.ROOT);
    return provider(spi, kind, name).create(settings);
  }

  /**
   * Returns the provider named {@code name}.
   *
   * @throws IllegalArgumentException when none on the class path has that name
   */
  public static <P extends Provider<?>> P provider(Class<P> spi, String kind, String name) {
    List<String> names = new ArrayList<>();
    for (P provider : ServiceLoader.load(spi, classLoader(spi))) {
      if (provider.name().equalsIgnoreCase(name)) {
        return provider;
      }
      names.add(provider.name());
    }
    throw new IllegalArgumentException(kind + " \"" + name + "\" is not on the class path; available: "
        + new TreeSet<>(names) + ". Add the plugin's jar, such as io.reactivemicro:reactive-" + kind + "-" + name);
  }

  /** Returns the names of the providers of {@code spi} on the class path, sorted. */
  public static List<String> available(Class<? extends Provider<?>> spi) {
    TreeSet<String> names = new TreeSet<>();
    for (Provider<?> provider : ServiceLoader.load(spi, classLoader(spi))) {
      names.add(provider.name());
    }
    return List.copyOf(names);
  }

  private static ClassLoader classLoader(Class<?> spi) {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : spi.getClassLoader();
  }
}
