package io.edgeswarm.agent.swarm;

import io.edgeswarm.agent.membership.GossipService;
import io.edgeswarm.agent.membership.Member;
import io.edgeswarm.agent.membership.MemberState;
import io.edgeswarm.agent.config.NodeIdentity;
import io.edgeswarm.agent.storage.ArtifactStore;
import io.edgeswarm.agent.storage.Digest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The artifacts the swarm holds that this agent does not: digests, names and sizes, so every agent can list and
 * resolve them. Gossip carries only digest prefixes; when a member advertises one this agent cannot place, the
 * catalog asks that member for its artifact list once. Entries no live member advertises any more are dropped.
 */
@Component
public class SwarmCatalog implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SwarmCatalog.class);
    private static final Duration REFRESH = Duration.ofSeconds(2);
    /** Members asked per refresh, so a burst of new artifacts does not turn into a burst of requests. */
    private static final int QUERIES_PER_REFRESH = 8;
    /** A member that failed to answer is not asked again before this. */
    private static final long RETRY_MS = 10_000;
    /** Upper bound on remembered artifacts; far above what one swarm's gossip summaries can advertise. */
    static final int MAX_ENTRIES = 10_000;

    /** One artifact somewhere in the swarm. */
    public record Entry(Digest digest, List<String> names, long size, int chunkSize, int chunkCount) {
    }

    private final ArtifactStore store;
    private final GossipService gossip;
    private final PeerClient client;
    private final String localId;
    private final Map<Digest, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, Long> askedAt = new ConcurrentHashMap<>();
    private final Disposable ticker;

    SwarmCatalog(ArtifactStore store, GossipService gossip, PeerClient client, NodeIdentity identity) {
        this.store = store;
        this.gossip = gossip;
        this.client = client;
        this.localId = identity.nodeId();
        this.ticker = Flux.interval(REFRESH, REFRESH, Schedulers.parallel())
                .concatMap(tick -> refresh().onErrorResume(e -> {
                    log.debug("Catalog refresh failed: {}", e.toString());
                    return Mono.empty();
                }), 0)
                .subscribe();
    }

    /** Artifacts the swarm holds, including ones this agent holds too. */
    public Collection<Entry> entries() {
        return List.copyOf(entries.values());
    }

    public Optional<Entry> find(Digest digest) {
        return Optional.ofNullable(entries.get(digest));
    }

    /** The digest a name points to, as far as the catalog knows; the newest publish is not guaranteed. */
    public Optional<Digest> resolve(String name) {
        return entries.values().stream().filter(e -> e.names().contains(name)).map(Entry::digest).findFirst();
    }

    /**
     * How many live members other than this one advertise each artifact, as of now. Every member's summary is
     * decoded once, so a list of many artifacts costs one pass over the membership, not one per artifact.
     */
    public ToIntFunction<Digest> holderCounts() {
        Map<String, Integer> byPrefix = new HashMap<>();
        for (Member m : aliveOthers()) {
            for (HoldingsSummary.Entry e : summary(m).entries()) {
                byPrefix.merge(e.prefix(), 1, Integer::sum);
            }
        }
        return digest -> byPrefix.getOrDefault(prefixOf(digest), 0);
    }

    private List<Member> aliveOthers() {
        List<Member> alive = new ArrayList<>();
        for (Member m : gossip.membersSnapshot()) {
            if (m.state() == MemberState.ALIVE && !m.id().equals(localId)) {
                alive.add(m);
            }
        }
        return alive;
    }

    Mono<Void> refresh() {
        List<Member> alive = aliveOthers();
        entries.keySet().removeIf(digest -> alive.stream().noneMatch(m -> advertises(m, digest)));
        Set<String> known = new HashSet<>();
        entries.keySet().forEach(d -> known.add(prefixOf(d)));
        store.list().forEach(a -> known.add(prefixOf(a.digest())));
        long now = System.nanoTime() / 1_000_000;
        List<Member> toAsk = new ArrayList<>();
        for (Member m : alive) {
            if (toAsk.size() < QUERIES_PER_REFRESH && hasUnknown(m, known)
                    && now - askedAt.getOrDefault(m.id(), -RETRY_MS) >= RETRY_MS) {
                toAsk.add(m);
                askedAt.put(m.id(), now);
            }
        }
        askedAt.keySet().removeIf(id -> alive.stream().noneMatch(m -> m.id().equals(id)));
        return Flux.fromIterable(toAsk)
                .flatMap(m -> client.artifacts(Peer.of(m)).onErrorResume(e -> Mono.just(List.of())))
                .doOnNext(this::learn)
                .then();
    }

    private void learn(List<PeerClient.RemoteArtifact> artifacts) {
        for (PeerClient.RemoteArtifact a : artifacts) {
            if (!a.complete() || entries.size() >= MAX_ENTRIES) {
                continue;
            }
            Digest digest = Digest.parse(a.digest());
            entries.put(digest, new Entry(digest, a.names() == null ? List.of() : List.copyOf(a.names()), a.size(),
                    a.chunkSize(), a.chunkCount()));
        }
    }

    /** True if the member advertises a complete artifact whose prefix is not {@code known} (catalog or store). */
    private static boolean hasUnknown(Member m, Set<String> known) {
        for (HoldingsSummary.Entry e : summary(m).entries()) {
            if (e.complete() && !known.contains(e.prefix())) {
                return true;
            }
        }
        return false;
    }

    private static String prefixOf(Digest digest) {
        return digest.hex().substring(0, 2 * HoldingsSummary.PREFIX_BYTES);
    }

    private static boolean advertises(Member m, Digest digest) {
        HoldingsSummary summary = summary(m);
        return summary.truncated() || summary.find(digest).isPresent();
    }

    private static HoldingsSummary summary(Member m) {
        return HoldingsSummary.decode(m.meta().artifacts()).orElse(HoldingsSummary.EMPTY);
    }

    @Override
    public void destroy() {
        ticker.dispose();
    }
}
