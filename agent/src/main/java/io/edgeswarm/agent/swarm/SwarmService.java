package io.edgeswarm.agent.swarm;

import io.edgeswarm.agent.config.EdgeswarmProperties;
import io.edgeswarm.agent.membership.MembershipEvent;
import io.edgeswarm.agent.security.Signing;
import io.edgeswarm.agent.config.NodeIdentity;
import io.edgeswarm.agent.membership.GossipService;
import io.edgeswarm.agent.membership.Member;
import io.edgeswarm.agent.membership.MemberState;
import io.edgeswarm.agent.metrics.TransferMetrics;
import io.edgeswarm.agent.storage.ArtifactName;
import io.edgeswarm.agent.storage.ArtifactNotFoundException;
import io.edgeswarm.agent.storage.ArtifactStore;
import io.edgeswarm.agent.storage.Digest;
import io.edgeswarm.agent.storage.StoredArtifact;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Gets artifacts this agent lacks from the swarm: one {@link Download} per artifact, shared by every client GET,
 * replicate call and distribution that wants it. Partial downloads found at start-up resume on their own.
 */
@Service
public class SwarmService implements SwarmContext, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SwarmService.class);
    /** Peers asked at once for a name, or an artifact, that this agent does not know. */
    private static final int NAME_FANOUT = 16;

    private final ArtifactStore store;
    private final GossipService gossip;
    private final PeerClient client;
    private final TransferMetrics metrics;
    private final NodeIdentity identity;
    private final EdgeswarmProperties.Transfer settings;
    private final TokenBucket downloadLimiter;
    private final SwarmCatalog catalog;
    private final RecentProblems problems;
    /** Finished downloads shown in status, so a dashboard sees where their bytes came from. */
    private static final int FINISHED_KEPT = 32;
    private final java.util.Deque<Download.DownloadStatus> recentlyFinished = new java.util.ArrayDeque<>();
    private final Scheduler swarmThread = Schedulers.newSingle("swarm");
    /** Hashing and writing chunks: CPU-bound, so about one thread per core. */
    private final java.util.concurrent.ExecutorService storeWriter = java.util.concurrent.Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()), runnable -> {
                Thread thread = new Thread(runnable, "chunk-writer");
                thread.setDaemon(true);
                return thread;
            });
    private final Map<Digest, Download> active = new ConcurrentHashMap<>();
    /** Digests whose download failed for want of a reachable source; bounded by the partial artifacts held. */
    private final java.util.Set<Digest> retryWhenMembersReturn = new java.util.LinkedHashSet<>();
    private final Counter banned;
    private final Counter verificationFailures;
    private final Counter manifestsRefused;
    private final Signing signing;
    private final UploadSlots uploadSlots;
    private final FirstSendTurns firstSendTurns;

    public SwarmService(ArtifactStore store, GossipService gossip, PeerClient client, TransferMetrics metrics,
            NodeIdentity identity, EdgeswarmProperties properties, MeterRegistry registry, SwarmCatalog catalog,
            RecentProblems problems, Signing signing, UploadSlots uploadSlots, FirstSendTurns firstSendTurns) {
        this.uploadSlots = uploadSlots;
        this.firstSendTurns = firstSendTurns;
        this.signing = signing;
        this.problems = problems;
        this.catalog = catalog;
        this.store = store;
        this.gossip = gossip;
        this.client = client;
        this.metrics = metrics;
        this.identity = identity;
        this.settings = properties.transfer();
        this.downloadLimiter = new TokenBucket(settings.maxDownloadRate() == null ? 0
                : settings.maxDownloadRate().toBytes());
        this.banned = Counter.builder("edgeswarm.peers.banned").description("Peers banned for serving bad data")
                .register(registry);
        this.verificationFailures = Counter.builder("edgeswarm.verification.failures")
                .description("Chunks from peers that failed verification").register(registry);
        this.manifestsRefused = Counter.builder("edgeswarm.manifests.refused")
                .description("Manifests from peers refused for a missing or untrusted signature").register(registry);
        gossip.onNotice(this::noticeReceived);
    }

    /**
     * Downloads that failed because no source could be reached (a WAN cut, holders restarting) start again, from
     * their verified chunks, as soon as a member joins or comes back alive: a partition that heals needs no operator.
     */
    @EventListener(ApplicationReadyEvent.class)
    public void retryStalledDownloadsWhenMembersReturn() {
        gossip.events()
                .filter(e -> e.type() == MembershipEvent.Type.JOINED || e.type() == MembershipEvent.Type.ALIVE)
                .subscribe(e -> {
                    List<Digest> retry;
                    synchronized (retryWhenMembersReturn) {
                        retry = new ArrayList<>(retryWhenMembersReturn);
                        retryWhenMembersReturn.clear();
                    }
                    for (Digest digest : retry) {
                        if (!active.containsKey(digest) && store.find(digest).map(a -> !a.isComplete()).orElse(false)) {
                            log.info("Member {} is back; retrying the download of {}", e.member().id(),
                                    digest.shortForm());
                            fetch(digest).subscribe(done -> { }, error -> { });
                        }
                    }
                });
    }

    /** Resumes every partial artifact left by an earlier run. */
    @EventListener(ApplicationReadyEvent.class)
    public void resumePartialDownloads() {
        store.list().stream().filter(a -> !a.isComplete()).forEach(a -> {
            log.info("Resuming {} from {} of {} verified chunks", a.digest(), a.heldChunks(),
                    a.manifest().chunkCount());
            fetch(a.digest()).subscribe(done -> { }, error -> { });
        });
    }

    /** The artifact, complete and verified, fetched from the swarm if need be. */
    public Mono<StoredArtifact> fetch(Digest digest) {
        Optional<StoredArtifact> held = store.find(digest);
        if (held.isPresent() && held.get().isComplete()) {
            return Mono.just(held.get());
        }
        return download(digest).completed();
    }

    /**
     * The artifact as soon as its manifest is known, possibly still partial, for streaming while chunks arrive.
     * Fails at once with {@link ArtifactNotFoundException} if neither this agent nor any member holds it.
     */
    public Mono<StoredArtifact> open(Digest digest) {
        Optional<StoredArtifact> held = store.find(digest);
        if (held.isPresent() && held.get().isComplete()) {
            return Mono.just(held.get());
        }
        if (held.isPresent() || active.containsKey(digest)) {
            return download(digest).opened();
        }
        // The fresh view, not the one-second snapshot: a member that just joined already knows who holds what.
        // Holdings reach gossip up to about a second after a publish, so peers are asked directly meanwhile, and the
        // download starts from the holder that answered instead of waiting for gossip to name it.
        return gossip.members().flatMap(members -> holders(members, digest, identity.nodeId()).isEmpty()
                ? askForHolder(digest).flatMap(holder -> {
                            Download download = download(digest);
                            download.holderFound(holder);
                            return download.opened();
                        })
                        .switchIfEmpty(Mono.error(() -> new ArtifactNotFoundException("artifact " + digest
                                + " is not held here nor by any member of the swarm")))
                : download(digest).opened());
    }

    /** The first of up to {@link #NAME_FANOUT} alive peers to say it holds the artifact, each asked with a timeout. */
    private Mono<Peer> askForHolder(Digest digest) {
        return Flux.fromIterable(samplePeers())
                .flatMap(peer -> client.bitfield(peer, digest, null, Duration.ZERO).onErrorReturn(Optional.empty())
                        .filter(Optional::isPresent).map(held -> peer))
                .next();
    }

    private Download download(Digest digest) {
        return active.computeIfAbsent(digest, d -> {
            Download download = new Download(d, this, store.find(d).orElse(null));
            download.start();
            return download;
        });
    }

    /**
     * A peer that asked this agent for a chunk, or polled its bitfield, said what it holds of the artifact
     * ({@link HoldingsHeader} value): if this agent is fetching it too, its download learns that at once instead of at
     * its next poll. Decoded only then, since most requests reach agents that are not fetching (origins, complete
     * holders).
     *
     * @param peerId the requester's node id header, null or empty if it sent none
     * @param holdingsHeader the requester's holdings header, null if it sent none
     * @param via {@code request} (a chunk request) or {@code peer_poll} (a bitfield poll), for the metrics
     */
    public void peerAnnounced(Digest digest, String peerId, String holdingsHeader, String via) {
        if (peerId == null || peerId.isEmpty() || holdingsHeader == null) {
            return;
        }
        Download download = active.get(digest);
        if (download == null || peerId.equals(identity.nodeId())) {
            return;
        }
        BitSet holdings = HoldingsHeader.decode(holdingsHeader);
        if (holdings != null) {
            download.peerAnnounced(peerId, holdings, via);
        }
    }

    /**
     * A peer's notice of chunks it has stored ({@link HoldingsNotice}), on the gossip thread: if this agent is fetching
     * that artifact, its download learns them at once. A body this version cannot read is dropped.
     */
    void noticeReceived(String peerId, byte[] body) {
        Optional<HoldingsNotice.Held> held = HoldingsNotice.decode(body);
        if (held.isEmpty()) {
            log.debug("Dropped a holdings notice from {} this version cannot read ({} bytes)", peerId, body.length);
            return;
        }
        Download download = active.get(held.get().digest());
        if (download != null) {
            download.peerNoticed(peerId, held.get().chunks(), held.get().uploads());
        }
    }

    @Override
    public int uploadsInProgress() {
        return uploadSlots.inUse() + firstSendTurns.admitted();
    }

    @Override
    public void sendNotice(List<String> peerIds, byte[] body) {
        gossip.sendNotice(peerIds, body);
        metrics.noticesSent(peerIds.size());
    }

    /** Downloads in progress, then the most recently finished ones, newest first. */
    public List<Download.DownloadStatus> downloads() {
        List<Download.DownloadStatus> all = new ArrayList<>(active.values().stream().map(Download::status).toList());
        synchronized (recentlyFinished) {
            all.addAll(recentlyFinished);
        }
        return all;
    }

    /** Asks peers for a name this agent does not know; the first answer wins. */
    public Mono<Optional<Digest>> resolveName(ArtifactName name) {
        Optional<Digest> known = catalog.resolve(name.value());
        if (known.isPresent()) {
            return Mono.just(known);
        }
        return Flux.fromIterable(samplePeers())
                .flatMap(peer -> client.resolveName(peer, name.value()))
                .filter(Optional::isPresent)
                .next()
                .defaultIfEmpty(Optional.empty());
    }

    /** Peers this agent exchanges chunks with right now. */
    public List<String> activePeers() {
        return alivePeers().stream().map(Peer::id).sorted().toList();
    }

    @Override
    public List<Peer> holdersOf(Digest digest) {
        return holders(gossip.membersSnapshot(), digest, identity.nodeId());
    }

    /**
     * Holders by announced progress, fullest first (a truncated summary, which may not list the artifact, last): a
     * download asks the first for the manifest, and a full holder's reply brings a bitfield worth requesting from.
     */
    static List<Peer> holders(List<Member> members, Digest digest, String localId) {
        List<Map.Entry<Peer, Integer>> holders = new ArrayList<>();
        for (Member m : members) {
            if (m.state() != MemberState.ALIVE || m.id().equals(localId)) {
                continue;
            }
            HoldingsSummary summary = HoldingsSummary.decode(m.meta().artifacts()).orElse(HoldingsSummary.EMPTY);
            Optional<HoldingsSummary.Entry> entry = summary.find(digest);
            if (entry.isPresent() || summary.truncated()) {
                holders.add(Map.entry(Peer.of(m), entry.map(HoldingsSummary.Entry::progress).orElse(-1)));
            }
        }
        holders.sort(Map.Entry.<Peer, Integer>comparingByValue().reversed());
        return holders.stream().map(Map.Entry::getKey).toList();
    }

    @Override
    public List<Peer> zonePeers() {
        return alivePeers().stream().filter(p -> p.zone().equals(identity.zone())).toList();
    }

    @Override
    public boolean hasZonePeers() {
        return !zonePeers().isEmpty();
    }

    /** Up to {@link #NAME_FANOUT} alive peers, chosen at random, to ask what gossip cannot tell. */
    private List<Peer> samplePeers() {
        List<Peer> peers = alivePeers();
        Collections.shuffle(peers);
        return peers.subList(0, Math.min(NAME_FANOUT, peers.size()));
    }

    /** Alive members other than this agent, as of the latest membership snapshot. */
    List<Peer> alivePeers() {
        List<Peer> peers = new ArrayList<>();
        for (Member m : gossip.membersSnapshot()) {
            if (m.state() == MemberState.ALIVE && !m.id().equals(identity.nodeId())) {
                peers.add(Peer.of(m));
            }
        }
        return peers;
    }

    /** Counters a status page shows: chunks that failed verification and peers banned since start. */
    public long verificationFailures() {
        return (long) verificationFailures.count();
    }

    public long peersBanned() {
        return (long) banned.count();
    }

    @Override
    public void peerBanned(Peer peer, String reason) {
        verificationFailures.increment();
        banned.increment();
        problems.record("ban", "banned peer " + peer.id() + " for " + settings.banDuration() + ": " + reason);
        log.warn("Banned peer {} ({}) for {}: {}", peer.id(), peer.baseUrl(), settings.banDuration(), reason);
    }

    @Override
    public Optional<String> manifestRefusal(io.edgeswarm.agent.storage.Manifest manifest) {
        return signing.trusted().refusal(manifest);
    }

    @Override
    public void manifestRefused(Peer peer, String reason) {
        manifestsRefused.increment();
        problems.record("signature", "refused the manifest from " + peer.id() + ": " + reason);
        log.warn("Refused the manifest {} served: {}", peer.id(), reason);
    }

    public long manifestsRefused() {
        return (long) manifestsRefused.count();
    }

    @Override
    public void finished(Download download) {
        active.remove(download.digest(), download);
        Download.DownloadStatus status = download.status();
        if (download.failedRetryably()) {
            synchronized (retryWhenMembersReturn) {
                retryWhenMembersReturn.add(download.digest());
            }
        }
        if (status.error() != null) {
            problems.record("download", "download of " + download.digest().shortForm() + " failed: "
                    + status.error());
        }
        synchronized (recentlyFinished) {
            recentlyFinished.removeIf(s -> s.digest().equals(status.digest()));
            recentlyFinished.addFirst(status);
            while (recentlyFinished.size() > FINISHED_KEPT) {
                recentlyFinished.removeLast();
            }
        }
    }

    @Override
    public long now() {
        return System.nanoTime() / 1_000_000;
    }

    @Override
    public Scheduler swarmThread() {
        return swarmThread;
    }

    @Override
    public java.util.concurrent.Executor storeWriter() {
        return storeWriter;
    }

    @Override
    public ArtifactStore store() {
        return store;
    }

    @Override
    public PeerClient client() {
        return client;
    }

    @Override
    public TransferMetrics metrics() {
        return metrics;
    }

    @Override
    public EdgeswarmProperties.Transfer settings() {
        return settings;
    }

    @Override
    public TokenBucket downloadLimiter() {
        return downloadLimiter;
    }

    @Override
    public String localId() {
        return identity.nodeId();
    }

    @Override
    public String zone() {
        return identity.zone();
    }

    @Override
    public void destroy() {
        active.values().forEach(d -> d.fail("agent shutting down"));
        swarmThread.dispose();
        storeWriter.shutdown();
    }

    /** How long the swarm waits for progress before giving up; exposed for the content streamer. */
    public Duration noSourceTimeout() {
        return settings.noSourceTimeout();
    }
}
