/** Sample: an event-sourced ledger on the embedded log stream that resumes after a restart. */
@NullMarked
package io.reactivemicro.samples.events;

import org.jspecify.annotations.NullMarked;
