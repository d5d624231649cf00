package io.reactivemicro.selector;

import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.ServiceInfo;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Which nodes of a service a call may go to: a version, and metadata every chosen node must carry, for
 * canary releases and A/B tests. Immutable: each method returns a copy. Metadata is matched against the
 * node's own metadata, as Go Micro's label filter does; a service puts the metadata it is built with on
 * its node ({@code Service.builder(..).metadata("track", "canary")}). The service-level metadata of a
 * registration is not used: registries merge it across the nodes of a version.
 *
 * <pre>{@code
 * Filter canary = Filter.any().version("2.1.0").metadata("track", "canary");
 * client.call("greeter", "Greeter.Hello", request, Reply.class, RequestOptions.defaults().filter(canary));
 * }</pre>
 */
public final class Filter {

  private static final Filter ANY = new Filter(null, Map.of());

  private final @Nullable String version;
  private final Map<String, String> metadata;

  private Filter(@Nullable String version, Map<String, String> metadata) {
    this.version = version;
    this.metadata = Map.copyOf(metadata);
  }

  /** Returns the filter that lets every node through. */
  public static Filter any() {
    return ANY;
  }

  /** Returns this filter keeping only the nodes of one version of the service. */
  public Filter version(String version) {
    Objects.requireNonNull(version, "version");
    return new Filter(version, metadata);
  }

  /** Returns this filter also requiring that a node's metadata maps {@code key} to {@code value}. */
  public Filter metadata(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Map<String, String> more = new HashMap<>(metadata);
    more.put(key, value);
    return new Filter(version, more);
  }

  /** Returns the required version, or {@code null} when any version will do. */
  public @Nullable String version() {
    return version;
  }

  /** Returns the metadata a node must carry. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** Returns whether this filter lets every node through. */
  public boolean isAny() {
    return version == null && metadata.isEmpty();
  }

  /**
   * Returns whether a node of a service passes this filter.
   *
   * @param service the service, of the node's version
   * @param node the node
   * @return {@code true} when the version matches and the node's metadata has every required entry
   */
  public boolean test(ServiceInfo service, Node node) {
    if (version != null && !version.equals(service.version())) {
      return false;
    }
    for (Map.Entry<String, String> required : metadata.entrySet()) {
      if (!required.getValue().equals(node.metadata().get(required.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns this filter with what it leaves unset taken from {@code defaults}: its version, else theirs;
   * their metadata overridden by its own.
   *
   * @param defaults the fallback
   * @return the merged filter
   */
  public Filter orElse(Filter defaults) {
    if (defaults.isAny()) {
      return this;
    }
    Map<String, String> merged = new HashMap<>(defaults.metadata);
    merged.putAll(metadata);
    return new Filter(version != null ? version : defaults.version, merged);
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof Filter that && Objects.equals(version, that.version) && metadata.equals(that.metadata);
  }

  @Override
  public int hashCode() {
    return Objects.hash(version, metadata);
  }

  @Override
  public String toString() {
    return isAny() ? "any node"
        : (version != null ? "version " + version : "any version") + (metadata.isEmpty() ? "" : ", metadata " + metadata);
  }
}
