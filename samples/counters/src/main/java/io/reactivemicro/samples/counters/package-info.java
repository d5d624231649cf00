/**
 * The counters sample: counters kept in the service's store, safe under concurrent increments from many
 * instances, and a leader elected among the instances that runs a leader-only job.
 */
@NullMarked
package io.reactivemicro.samples.counters;

import org.jspecify.annotations.NullMarked;
