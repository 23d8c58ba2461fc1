package io.edgeswarm.agent.swarm;

import io.edgeswarm.agent.config.EdgeswarmProperties;
import io.edgeswarm.agent.storage.ArtifactStore;
import io.edgeswarm.agent.storage.Digest;
import io.edgeswarm.agent.storage.StoredArtifact;
import java.time.Duration;
import java.util.BitSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Answers a peer's bitfield poll once this agent holds a chunk the peer lacks, instead of at once: BitTorrent's HAVE,
 * pulled. A downloader that has fetched everything its peers hold has nothing to ask for until one of them receives a
 * new chunk, and with plain polls it hears of that only at its next poll, up to a second later, while its uplink and
 * theirs sit idle. A waiting poll hears of it as the chunk is stored, at most {@link #ANSWERS_PER_CHUNK} of them per
 * chunk. Waits are bounded in time and in number: past {@code holdings-waiters} open at once the poll is refused, and
 * the poller falls back to plain polls.
 */
@Component
public class HoldingsNews {

    /**
     * Waiting polls one newly stored chunk answers at most; the rest wait on. Answering every waiter at once sent all
     * of them to this one uplink for the same chunk (N=16 lab runs: 1.27-1.32x instead of 1.24x); two askers pass
     * the chunk on to the others sooner, and their requests and replies carry the news.
     */
    static final int ANSWERS_PER_CHUNK = 2;

    private final ArtifactStore store;
    private final int maxWaiters;
    private final AtomicInteger waiters = new AtomicInteger();
    /** Per artifact with polls waiting: how many of them its latest stored chunk has answered. */
    private final Map<Digest, Rations> rations = new ConcurrentHashMap<>();

    @Autowired
    public HoldingsNews(ArtifactStore store, EdgeswarmProperties properties) {
        this(store, properties.transfer().holdingsWaiters());
    }

    HoldingsNews(ArtifactStore store, int maxWaiters) {
        this.store = store;
        this.maxWaiters = maxWaiters;
    }

    /**
     * The artifact's bitfield once it holds a chunk the poller lacks (at once if it does already, or is complete), or
     * as it stands when {@code wait} is over; empty when too many waits are open already.
     *
     * @param theirHoldings the poller's bitfield as a {@link HoldingsHeader} value; without one (or a malformed one)
     *     any chunk is news
     */
    public Optional<Mono<byte[]>> await(StoredArtifact artifact, String theirHoldings, Duration wait) {
        BitSet decoded = theirHoldings == null ? null : HoldingsHeader.decode(theirHoldings);
        BitSet theirs = decoded == null ? new BitSet() : decoded;
        if (hasNews(artifact, theirs)) {
            return Optional.of(Mono.fromSupplier(() -> artifact.bitfield().toByteArray()));
        }
        if (waiters.incrementAndGet() > maxWaiters) {
            waiters.decrementAndGet();
            return Optional.empty();
        }
        Digest digest = artifact.digest();
        Rations ration = rations.compute(digest, (d, r) -> (r == null ? new Rations() : r).joined());
        // Subscribed to the store's changes before checking again, so a chunk stored in between is not missed.
        Mono<byte[]> news = Flux.merge(store.changes().filter(digest::equals), Mono.just(digest))
                .filter(changed -> hasNews(artifact, theirs) && ration.take(artifact))
                .next()
                .timeout(wait, Mono.just(digest))
                .map(any -> artifact.bitfield().toByteArray())
                .doFinally(signal -> {
                    rations.computeIfPresent(digest, (d, r) -> r.left());
                    waiters.decrementAndGet();
                });
        return Optional.of(news);
    }

    /** The answers the latest chunk of one artifact has given, and the polls waiting on that artifact. */
    private static final class Rations {
        private int waiting;
        private int heldChunks = -1;
        private int answered;

        Rations joined() {
            synchronized (this) {
                waiting++;
            }
            return this;
        }

        /** Null, which drops it from the map, when no poll waits any more. */
        Rations left() {
            synchronized (this) {
                waiting--;
                return waiting == 0 ? null : this;
            }
        }

        /** Whether one more waiter may be answered for the chunks the artifact holds now. */
        synchronized boolean take(StoredArtifact artifact) {
            int held = artifact.heldChunks();
            if (artifact.isComplete() || held != heldChunks) {
                heldChunks = held;
                answered = 0;
            }
            if (answered >= ANSWERS_PER_CHUNK && !artifact.isComplete()) {
                return false;
            }
            answered++;
            return true;
        }
    }

    /** Waits open now. */
    int waiting() {
        return waiters.get();
    }

    private static boolean hasNews(StoredArtifact artifact, BitSet theirs) {
        if (artifact.isComplete()) {
            return true;
        }
        BitSet news = artifact.bitfield().snapshot();
        news.andNot(theirs);
        return !news.isEmpty();
    }
}
