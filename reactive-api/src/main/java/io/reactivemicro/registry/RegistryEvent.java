package io.reactivemicro.registry;

import java.time.Instant;

/**
 * A change seen by {@link Registry#watch}: a node of a service was registered, re-registered with
 * changes, or removed (deregistered or expired).
 *
 * @param type what happened
 * @param service the service, holding the nodes concerned
 * @param timestamp when the registry saw it
 */
public record RegistryEvent(Type type, ServiceInfo service, Instant timestamp) {

  /** The kinds of change. */
  public enum Type {
    /** A node appeared. */
    CREATE,
    /** A node's description changed. */
    UPDATE,
    /** A node was deregistered or its registration expired. */
    DELETE
  }
}
