package io.reactivemicro.samples.counters;

/**
 * The record the leader writes to the store every second while it leads, under the key
 * {@value Election#HEARTBEAT_KEY}, with the leader's TTL: it tells every instance who leads, and
 * disappears when a leader dies without handing over.
 *
 * @param instance the leader's node id
 * @param address the leader's address
 * @param term the term of its leadership: the fencing token of its lease, greater for every new leader
 * @param elected when it became leader (ISO-8601)
 * @param at when it wrote this heartbeat (ISO-8601)
 * @param beats how many heartbeats it wrote in this term
 */
public record Heartbeat(String instance, String address, long term, String elected, String at, long beats) {}
