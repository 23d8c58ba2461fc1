package io.edgeswarm.agent.api;

/**
 * Too many bitfield polls wait for news here already ({@code edgeswarm.transfer.holdings-waiters}); the poller should
 * poll without waiting for a while (503, Retry-After). An answer, not a fault: no stack trace.
 */
class HoldingsWaitersFullException extends RuntimeException {

    HoldingsWaitersFullException() {
        super("too many bitfield polls are waiting for news here; poll without wait", null, false, false);
    }
}
