package io.edgeswarm.agent.swarm;

import io.edgeswarm.agent.storage.Digest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per chunk request a download makes, and one per outcome, at TRACE level of this class's logger: what
 * {@code bench/request-trace.py} reads to show where a swarm's requests waited (how deep each uploader's queue ran,
 * how long each request held a place in its download's budget, and what an idle uploader held that nobody asked it
 * for). Times are wall-clock milliseconds, so the lines of many agents line up. Off unless the level is set, and then
 * a few hundred bytes per chunk.
 */
final class RequestTrace {

    private static final Logger log = LoggerFactory.getLogger(RequestTrace.class);

    private final String artifact;

    RequestTrace(Digest digest) {
        this.artifact = digest.shortForm();
    }

    /** A request sent to {@code peer}, which now has {@code inFlightThere} of this download's requests. */
    void requested(int chunk, String peer, int inFlightThere) {
        if (log.isTraceEnabled()) {
            log.trace("request artifact={} chunk={} peer={} at={} inflight={}", artifact, chunk, peer,
                    System.currentTimeMillis(), inFlightThere);
        }
    }

    /** The chunk arrived from {@code peer}, verified and stored, {@code elapsedMs} after it was asked for. */
    void arrived(int chunk, String peer, long elapsedMs, long firstByteMs) {
        if (log.isTraceEnabled()) {
            log.trace("arrived artifact={} chunk={} peer={} at={} elapsed={} first-byte={}", artifact, chunk, peer,
                    System.currentTimeMillis(), elapsedMs, firstByteMs);
        }
    }

    /** The request to {@code peer} ended without the chunk: {@code outcome} is the error's name, or cancelled. */
    void ended(int chunk, String peer, String outcome) {
        if (log.isTraceEnabled()) {
            log.trace("ended artifact={} chunk={} peer={} at={} outcome={}", artifact, chunk, peer,
                    System.currentTimeMillis(), outcome);
        }
    }
}
