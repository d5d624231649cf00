package io.reactivemicro.samples.counters;

import org.jspecify.annotations.Nullable;

/**
 * The answer of {@code Counters.Leader}: which instance answered, whether it leads, and the latest
 * heartbeat of the leader as the store holds it.
 *
 * @param self the node id of the instance that answered
 * @param leading whether that instance is the leader now
 * @param term the term it leads in, or 0 when it does not lead
 * @param leader the leader's latest heartbeat; {@code null} when no leader wrote one within its TTL
 */
public record LeaderView(String self, boolean leading, long term, @Nullable Heartbeat leader) {}
