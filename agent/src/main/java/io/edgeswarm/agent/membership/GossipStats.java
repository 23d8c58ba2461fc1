package io.edgeswarm.agent.membership;

import java.util.concurrent.atomic.LongAdder;

/** Counters of one node's protocol activity; written on the protocol thread, read by metrics from any thread. */
public final class GossipStats {

    public final LongAdder packetsSent = new LongAdder();
    public final LongAdder bytesSent = new LongAdder();
    public final LongAdder packetsReceived = new LongAdder();
    public final LongAdder bytesReceived = new LongAdder();
    public final LongAdder streamsSent = new LongAdder();
    public final LongAdder streamsReceived = new LongAdder();
    public final LongAdder malformed = new LongAdder();
    public final LongAdder probes = new LongAdder();
    public final LongAdder probesFailed = new LongAdder();
    public final LongAdder suspicions = new LongAdder();
    public final LongAdder refutations = new LongAdder();
    public final LongAdder deathsDeclared = new LongAdder();
    public final LongAdder conflicts = new LongAdder();
}
