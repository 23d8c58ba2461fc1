package io.edgeswarm.agent.membership;

/**
 * Protocol timing and fan-out, in milliseconds. {@link #lan()} is memberlist's DefaultLANConfig, tuned for a data
 * centre or site network; {@link #local()} its DefaultLocalConfig for loopback and tests.
 *
 * @param probeIntervalMs how often a member is probed; detection time scales with it
 * @param probeTimeoutMs wait for a direct ack before asking others to probe indirectly; above the network's p99 RTT
 * @param indirectChecks members asked to probe a target that missed its direct ack
 * @param suspicionMult suspicion timeout = this x max(1, log10 N) x probe interval, at least
 * @param suspicionMaxTimeoutMult the timeout starts at this x the minimum and shrinks as others confirm (Lifeguard)
 * @param retransmitMult each update is gossiped this x ceil(log10(N+1)) times
 * @param gossipIntervalMs how often queued updates are sent to {@code gossipNodes} random members
 * @param gossipNodes fan-out of each gossip round
 * @param gossipToTheDeadMs dead members still receive gossip this long, so they learn they were declared dead
 * @param pushPullIntervalMs full-state sync with one random member; scaled up for swarms over 32 members
 * @param awarenessMaxMultiplier Lifeguard's local health bound: probe timeouts stretch up to this factor
 * @param deadReclaimMs dead and left members are forgotten after this, letting the id return at another address
 * @param reconnectIntervalMs how often a full-state sync is tried with one random dead member, so the two sides of a
 *     healed partition find each other again (what Serf's reconnect does above memberlist)
 * @param maxPacketBytes datagram budget; under the common 1500-byte MTU with room for IP, UDP and encryption
 * @param lifeguard Lifeguard on (local health, nacks, confirmations shorten suspicion) or plain SWIM timing
 */
public record SwimConfig(long probeIntervalMs, long probeTimeoutMs, int indirectChecks, int suspicionMult,
        int suspicionMaxTimeoutMult, int retransmitMult, long gossipIntervalMs, int gossipNodes,
        long gossipToTheDeadMs, long pushPullIntervalMs, int awarenessMaxMultiplier, long deadReclaimMs,
        long reconnectIntervalMs, int maxPacketBytes, boolean lifeguard) {

    public SwimConfig {
        if (probeIntervalMs <= 0 || probeTimeoutMs <= 0 || probeTimeoutMs > probeIntervalMs) {
            throw new IllegalArgumentException("need 0 < probe timeout <= probe interval");
        }
        if (gossipIntervalMs <= 0 || pushPullIntervalMs <= 0 || reconnectIntervalMs <= 0 || gossipNodes < 1
                || indirectChecks < 0) {
            throw new IllegalArgumentException("gossip interval, push-pull interval and fan-out must be positive");
        }
        if (suspicionMult < 1 || suspicionMaxTimeoutMult < 1 || retransmitMult < 1 || awarenessMaxMultiplier < 1) {
            throw new IllegalArgumentException("multipliers must be at least 1");
        }
        if (maxPacketBytes < 576) {
            throw new IllegalArgumentException("packets must allow at least 576 bytes");
        }
    }

    public static SwimConfig lan() {
        return new SwimConfig(1000, 500, 3, 4, 6, 4, 200, 3, 30_000, 30_000, 8, 60_000, 10_000, 1400, true);
    }

    public static SwimConfig local() {
        return new SwimConfig(1000, 200, 3, 3, 6, 2, 100, 3, 15_000, 15_000, 8, 30_000, 5_000, 1400, true);
    }

    public SwimConfig withLifeguard(boolean enabled) {
        return new SwimConfig(probeIntervalMs, probeTimeoutMs, indirectChecks, suspicionMult, suspicionMaxTimeoutMult,
                retransmitMult, gossipIntervalMs, gossipNodes, gossipToTheDeadMs, pushPullIntervalMs,
                awarenessMaxMultiplier, deadReclaimMs, reconnectIntervalMs, maxPacketBytes, enabled);
    }

    /** Times an update is retransmitted in a swarm of {@code n}. */
    public int retransmitLimit(int n) {
        return retransmitMult * (int) Math.ceil(Math.log10(n + 1));
    }

    /** Minimum suspicion timeout in a swarm of {@code n}. */
    public long suspicionMinMs(int n) {
        double nodeScale = Math.max(1.0, Math.log10(Math.max(1, n)));
        return (long) (suspicionMult * nodeScale * probeIntervalMs);
    }

    /** memberlist's pushPullScale: beyond 32 members the sync slows so TCP load per member stays flat. */
    public long pushPullIntervalMs(int n) {
        if (n <= 32) {
            return pushPullIntervalMs;
        }
        double multiplier = Math.ceil(Math.log(n) / Math.log(2) - Math.log(32) / Math.log(2)) + 1;
        return (long) (pushPullIntervalMs * multiplier);
    }
}
