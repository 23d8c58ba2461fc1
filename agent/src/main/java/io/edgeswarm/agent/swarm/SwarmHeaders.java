package io.edgeswarm.agent.swarm;

/** HTTP headers agents exchange on chunk requests, so both sides can tag bytes by locality and source. */
public final class SwarmHeaders {

    /** Sent by a downloader: the zone it is in. */
    public static final String REQUESTER_ZONE = "Edgeswarm-Zone";
    /**
     * Sent by a downloader with each chunk request and bitfield poll, beside its bitfield ({@link HoldingsHeader#NAME}):
     * its node id, so a server that is fetching the same artifact learns at once what this peer holds (BitTorrent's
     * HAVE, both ways).
     */
    public static final String REQUESTER = "Edgeswarm-Node";
    /**
     * Sent with a chunk and with a manifest: {@code true} when the serving agent is an origin of the artifact (it was
     * published there).
     */
    public static final String ORIGIN = "Edgeswarm-Origin";
    /**
     * Sent with a chunk: how many chunk uploads the serving agent has in progress, this one included. Downloaders
     * spread their requests by it; gossiped load is a second or more old, this is as fresh as the reply.
     */
    public static final String UPLOADS = "Edgeswarm-Uploads";

    private SwarmHeaders() {
    }
}
