package io.edgeswarm.agent.swarm;

/**
 * How much work a download gives one peer. Each chunk a peer delivers updates moving averages of its throughput and
 * of its first-byte latency; the load the peer gossips (share of its upload slots busy) discounts the throughput, so
 * a fast but saturated peer is asked less than an idle one. Peers never measured rank first, so every peer gets a
 * chance to show its speed.
 */
final class PeerScore {

    /** Weight of the newest sample in the moving averages. */
    static final double EWMA_WEIGHT = 0.3;
    /** A fully loaded peer counts at this fraction of its measured throughput. */
    static final double FULL_LOAD_DISCOUNT = 0.5;

    private double bytesPerSecond = Double.NaN;
    private double latencyMillis = Double.NaN;

    void sample(long bytes, long elapsedNanos, long latencyNanos) {
        double rate = bytes / Math.max(1e-3, elapsedNanos / 1e9);
        double latency = latencyNanos / 1e6;
        bytesPerSecond = Double.isNaN(bytesPerSecond) ? rate : blend(bytesPerSecond, rate);
        latencyMillis = Double.isNaN(latencyMillis) ? latency : blend(latencyMillis, latency);
    }

    private static double blend(double average, double sample) {
        return (1 - EWMA_WEIGHT) * average + EWMA_WEIGHT * sample;
    }

    boolean measured() {
        return !Double.isNaN(bytesPerSecond);
    }

    double bytesPerSecond() {
        return bytesPerSecond;
    }

    double latencyMillis() {
        return latencyMillis;
    }

    /** Expected useful bytes per second; infinite for a peer not yet measured. {@code loadPercent} is 0 to 100. */
    double value(int loadPercent) {
        if (!measured()) {
            return Double.POSITIVE_INFINITY;
        }
        double load = Math.min(100, Math.max(0, loadPercent)) / 100.0;
        return bytesPerSecond * (1 - FULL_LOAD_DISCOUNT * load);
    }

    /**
     * Requests a peer may have in flight: the whole allowance for the best peer and for unmeasured ones, a share in
     * proportion to its value for slower ones, and never less than one, so a slow peer still contributes.
     */
    static int allowance(double value, double best, int perPeer) {
        if (Double.isInfinite(value) || Double.isInfinite(best) || best <= 0) {
            return perPeer;
        }
        return Math.max(1, Math.min(perPeer, (int) Math.ceil(perPeer * value / best)));
    }
}
