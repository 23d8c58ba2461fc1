package io.edgeswarm.agent.swarm;

import io.edgeswarm.agent.membership.GossipService;
import io.edgeswarm.agent.membership.MessageCodec;
import io.edgeswarm.agent.membership.NodeMeta;
import io.edgeswarm.agent.storage.ArtifactStore;
import io.edgeswarm.agent.storage.StoredArtifact;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Keeps this agent's gossiped holdings summary in step with its store. Store changes are sampled, and progress is
 * quantised to sixteenths, so a download in progress re-announces a handful of times, not once per chunk: every
 * announcement costs an alive message retransmitted log(N) times across the swarm. The first change after a quiet
 * interval goes out at once, so a publish reaches gossip now rather than up to a second later.
 */
@Component
class HoldingsAnnouncer implements DisposableBean {

    /** At most two announcements per this interval: its first change at once, its latest at its end. */
    private static final Duration SAMPLE = Duration.ofSeconds(1);
    private static final int PROGRESS_STEPS = 16;

    private final ArtifactStore store;
    private final GossipService gossip;
    private final Disposable subscription;
    private volatile byte[] announced = new byte[0];

    HoldingsAnnouncer(ArtifactStore store, GossipService gossip) {
        this.store = store;
        this.gossip = gossip;
        this.subscription = Flux.concat(Flux.just(this), triggers(store.changes(), SAMPLE))
                .publishOn(Schedulers.parallel()) // off the thread that changed the store (a chunk writer, say)
                .subscribe(change -> announce());
    }

    /** When to announce: a change after a quiet interval at once, then the latest change in each interval. */
    static <T> Flux<T> triggers(Flux<T> changes, Duration interval) {
        return Flux.merge(changes.sampleFirst(interval), changes.sample(interval));
    }

    void announce() {
        gossip.updateMeta(meta -> {
            byte[] summary = summarize(meta);
            if (Arrays.equals(summary, announced) || Arrays.equals(summary, meta.artifacts())) {
                return meta;
            }
            announced = summary;
            return meta.withArtifacts(summary);
        });
    }

    private byte[] summarize(NodeMeta meta) {
        List<HoldingsSummary.Entry> entries = store.list().stream()
                .sorted(Comparator.comparing(StoredArtifact::isComplete).reversed()
                        .thenComparing(StoredArtifact::lastAccess, Comparator.reverseOrder()))
                .map(a -> HoldingsSummary.entry(a.digest(),
                        Math.floor(a.progress() * PROGRESS_STEPS) / PROGRESS_STEPS, a.isComplete()))
                .toList();
        int budget = MessageCodec.MAX_META_BYTES - MessageCodec.metaSize(meta.withArtifacts(new byte[0]));
        return HoldingsSummary.encode(entries, budget);
    }

    @Override
    public void destroy() {
        subscription.dispose();
    }
}
