package io.edgeswarm.agent.swarm;

import io.edgeswarm.agent.config.EdgeswarmProperties;
import io.edgeswarm.agent.metrics.TransferMetrics;
import io.edgeswarm.agent.storage.ArtifactStore;
import io.edgeswarm.agent.storage.Digest;
import java.util.List;
import reactor.core.scheduler.Scheduler;

/** What a {@link Download} needs from the agent around it. */
interface SwarmContext {

    long now();

    Scheduler swarmThread();

    /** Where verified chunks are written; never interrupted by cancellation. */
    java.util.concurrent.Executor storeWriter();

    ArtifactStore store();

    PeerClient client();

    TransferMetrics metrics();

    EdgeswarmProperties.Transfer settings();

    TokenBucket downloadLimiter();

    String localId();

    String zone();

    /** Alive members other than this one that say they hold (part of) the artifact. */
    List<Peer> holdersOf(Digest digest);

    /** Alive members of this agent's zone, this agent excluded. */
    List<Peer> zonePeers();

    /** Whether another alive member shares this agent's zone. */
    boolean hasZonePeers();

    void peerBanned(Peer peer, String reason);

    /** Sends a holdings notice ({@link HoldingsNotice}) to these peers; a hint, which may be lost. */
    void sendNotice(List<String> peerIds, byte[] body);

    /** Chunk uploads this agent has in progress, as its chunk replies report them. */
    int uploadsInProgress();

    /** Why a manifest a peer served must not be used (an untrusted or missing signature), or empty. */
    java.util.Optional<String> manifestRefusal(io.edgeswarm.agent.storage.Manifest manifest);

    /** A peer served a manifest that was refused. */
    void manifestRefused(Peer peer, String reason);

    void finished(Download download);
}
