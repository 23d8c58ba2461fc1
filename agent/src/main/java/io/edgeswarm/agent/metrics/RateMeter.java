package io.edgeswarm.agent.metrics;

import java.time.Clock;

/**
 * Bytes per second over a sliding window of whole seconds, for status pages. Prometheus computes its own rates from
 * the counters; this only answers "how fast right now" without a time-series database.
 */
public final class RateMeter {

    private final Clock clock;
    private final long[] buckets;
    private long currentSecond;

    public RateMeter(Clock clock, int windowSeconds) {
        this.clock = clock;
        this.buckets = new long[windowSeconds + 1];
        this.currentSecond = clock.millis() / 1000;
    }

    public synchronized void record(long bytes) {
        advance();
        buckets[(int) (currentSecond % buckets.length)] += bytes;
    }

    /** Average over the last complete seconds of the window. */
    public synchronized double bytesPerSecond() {
        advance();
        long sum = 0;
        for (int i = 0; i < buckets.length; i++) {
            if (i != (int) (currentSecond % buckets.length)) {
                sum += buckets[i];
            }
        }
        return (double) sum / (buckets.length - 1);
    }

    private void advance() {
        long now = clock.millis() / 1000;
        for (long s = Math.max(currentSecond + 1, now - buckets.length + 1); s <= now; s++) {
            buckets[(int) (s % buckets.length)] = 0;
        }
        currentSecond = Math.max(currentSecond, now);
    }
}
