package io.edgeswarm.agent.swarm;

import io.edgeswarm.agent.storage.ChunkVerificationException;
import io.edgeswarm.agent.storage.Digest;
import io.edgeswarm.agent.storage.Manifest;
import io.edgeswarm.agent.storage.StoredArtifact;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * Fetches one artifact from every peer that holds parts of it: learns holders from gossip, keeps their bitfields
 * fresh, asks each peer for the chunk the {@link PiecePicker} chooses, verifies every chunk before it is stored, bans
 * peers that serve bad data, and re-asks elsewhere on failure. All state lives on the swarm thread; network and disk
 * work run elsewhere and report back to it.
 */
public final class Download {

    private static final Logger log = LoggerFactory.getLogger(Download.class);
    private static final Duration TICK = Duration.ofMillis(100);
    /** Manifest fetches that found nothing acceptable wait this long before asking again. */
    private static final long MANIFEST_RETRY_MS = 1_000;
    /**
     * A manifest ask silent this long gets a second holder asked too ({@link ManifestAsks}): many round trips on a
     * busy host, and less than a lost SYN (1 s) or two losses in a row of the reply (0.2 + 0.4 s at least) cost.
     */
    private static final long MANIFEST_HEDGE_MS = 500;
    /** Manifest asks open at once at most: the first and two hedges. */
    private static final int MANIFEST_ASKS_OPEN = 3;
    private static final long BITFIELD_REFRESH_MS = 1_000;
    private static final long COMPLETE_PEER_REFRESH_MS = 10_000;
    private static final long BUSY_BACKOFF_MS = 1_000;
    private static final long FAILURE_BACKOFF_MS = 2_000;
    /** How long an origin's list of unsent chunks steers what we ask it for; after that we ask freely again. */
    private static final long ASK_INSTEAD_TTL_MS = 1_000;
    /** A peer's own count of its uploads steers requests for this long; a chunk takes about a second to arrive. */
    private static final long UPLOADS_FRESH_MS = 1_000;

    /** What this download knows of one peer. */
    static final class PeerState {
        Peer peer;
        BitSet has = new BitSet();
        int inFlight;
        final PeerScore score = new PeerScore();
        long bannedUntil;
        long backoffUntil;
        boolean bitfieldPending;
        long bitfieldAt;
        /** Chunks an origin asked us to pick from instead of ones it had sent already, until {@link #askInsteadUntil}. */
        BitSet askInstead;
        long askInsteadUntil;
        /** Until then the peer gets plain polls only: it refused, or failed, a poll that waits for news. */
        long waitsRefusedUntil;
        /** The peer has this artifact, whole or partial (its bitfield answered). */
        boolean present;
        /** The peer said it is an origin of the artifact (with the manifest, a chunk, or by refusing one it had sent). */
        boolean origin;
        long bytesFrom;
        /** Uploads the peer had in progress when it last served us a chunk; -1 until it says. */
        int uploads = -1;
        long uploadsAt;
        /** Breaks ties between equally stale peers when polls are rationed ({@link HoldingsPolls}). */
        final int pollOrder = java.util.concurrent.ThreadLocalRandom.current().nextInt();

        PeerState(Peer peer) {
            this.peer = peer;
        }

        boolean usable(long now) {
            return bannedUntil <= now && backoffUntil <= now;
        }

        /** Whether its bitfield, as last learned, holds every chunk. */
        boolean holdsAll(int chunkCount) {
            return has.cardinality() == chunkCount;
        }
    }

    private final Digest digest;
    private final SwarmContext context;
    private final PiecePicker picker;
    private final PeerChooser chooser;
    private final Map<String, PeerState> peers = new HashMap<>();
    private final Map<Integer, Map<String, Disposable>> inFlight = new HashMap<>();
    /** Holders that said so when asked directly, kept until gossip names them too ({@link #holderFound}). */
    private final Map<String, Peer> foundHolders = new HashMap<>();
    private final Sinks.One<StoredArtifact> opened = Sinks.one();
    private final Sinks.One<StoredArtifact> completed = Sinks.one();
    private final long startedAt;
    private final ZoneShare zoneShare;
    /** Requests in flight beyond the budget while this download lags its zone ({@link CatchUp}), set each tick. */
    private int catchUpRequests;
    private Manifest manifest;
    private StoredArtifact local;
    private final ManifestAsks manifestAsks = new ManifestAsks(MANIFEST_HEDGE_MS, MANIFEST_ASKS_OPEN,
            MANIFEST_RETRY_MS);
    /** Manifest asks open, by peer id, so the rest are cancelled once one served. */
    private final Map<String, Disposable> manifestRequests = new HashMap<>();
    /** A manifest was accepted and its partial artifact is being opened. */
    private boolean manifestOpening;
    private String manifestRefusal;
    private boolean retryable;
    private volatile String manifestError = "none";
    private long lastProgressAt;
    /** Milestones of the start, for the log line at the end (0 until reached): what a slow start waited for. */
    private long manifestAt;
    /** Holders asked for the manifest, hedges included, and which of them served it (null if resumed). */
    private int manifestAskCount;
    private String manifestFrom;
    private long firstRequestAt;
    private long firstChunkAt;
    private long lastPeerRefreshAt;
    /** Chunks stored since the last holdings notice went out ({@link #announceStored}). */
    private final BitSet unannounced = new BitSet();
    private long lastNoticeAt = Long.MIN_VALUE / 2;
    private boolean noticeScheduled;
    /** Notices sent, the datagrams they took (one per recipient) and notices heard, for the log line at the end. */
    private int noticesSent;
    private int noticeDatagrams;
    private int noticesHeard;
    /** Bitfield polls open that wait for news ({@link #awaitNews}). */
    private int newsWaits;
    private volatile long bytesFetched;
    private volatile long finishedAt;
    private final Map<String, Long> bytesBySource = new java.util.concurrent.ConcurrentHashMap<>();
    private final Availability availability = new Availability();
    private final RequestTrace trace;
    private Disposable ticker;
    private volatile String failure;
    private volatile boolean finished;

    Download(Digest digest, SwarmContext context, StoredArtifact existing) {
        this.digest = digest;
        this.context = context;
        this.trace = new RequestTrace(digest);
        SplittableRandom random = new SplittableRandom();
        this.picker = new PiecePicker(random.split());
        this.chooser = new PeerChooser(random.split());
        this.startedAt = context.now();
        this.lastProgressAt = startedAt;
        this.zoneShare = new ZoneShare(context.zone(), context.localId(), startedAt, ZoneShare.SETTLE_MS,
                context.settings().crossZoneGrace().toMillis());
        if (existing != null) {
            adopt(existing, null);
        }
    }

    void start() {
        context.store().pin(digest);
        ticker = Flux.interval(Duration.ZERO, TICK, context.swarmThread()).subscribe(t -> tick(),
                e -> fail("scheduler failed: " + e));
    }

    /**
     * A peer said it holds the artifact when asked directly, before gossip named it (a publish reaches gossip some
     * gossip rounds later): the manifest and chunks are asked of it at once instead of after that wait.
     */
    void holderFound(Peer holder) {
        context.swarmThread().schedule(() -> {
            if (finished || foundHolders.putIfAbsent(holder.id(), holder) != null) {
                return;
            }
            if (manifest == null && !manifestOpening) {
                manifestAsks.askNow();
                fetchManifest(context.now());
            }
        });
    }

    /** Completes when the manifest is known and the partial artifact exists, so content can start streaming. */
    Mono<StoredArtifact> opened() {
        return opened.asMono();
    }

    Mono<StoredArtifact> completed() {
        return completed.asMono();
    }

    Digest digest() {
        return digest;
    }

    String failure() {
        return failure;
    }

    boolean finished() {
        return finished;
    }

    /** Whether this download failed for a reason that may pass, such as every source being unreachable. */
    boolean failedRetryably() {
        return failure != null && retryable;
    }

    /** Snapshot for status pages; read from any thread, so only volatile or immutable state is touched. */
    DownloadStatus status() {
        StoredArtifact artifact = local;
        long end = finished ? finishedAt : context.now();
        double elapsed = Math.max(0.001, (end - startedAt) / 1000.0);
        double progress = artifact == null ? 0 : artifact.progress();
        double rate = bytesFetched / elapsed;
        boolean complete = artifact != null && artifact.isComplete();
        Long eta = complete ? Long.valueOf(0) : failure == null && artifact != null && rate > 0
                ? Long.valueOf((long) Math.ceil((artifact.manifest().size() - artifact.heldBytes()) / rate)) : null;
        return new DownloadStatus(digest.toString(), progress, complete, finished ? 0 : rate, peers.size(), failure,
                (long) elapsed, eta, Map.copyOf(bytesBySource));
    }

    /**
     * The public view of a download: {@code bytesBySource} counts verified bytes by where they came from, keyed
     * {@code source/locality} (e.g. {@code origin/cross_zone}).
     */
    public record DownloadStatus(String digest, double progress, boolean complete, double bytesPerSecond, int peers,
            String error, long elapsedSeconds, Long etaSeconds, Map<String, Long> bytesBySource) {
    }

    private void tick() {
        if (finished) {
            return;
        }
        long now = context.now();
        if (now - lastPeerRefreshAt >= BITFIELD_REFRESH_MS) {
            lastPeerRefreshAt = now;
            refreshPeers(now);
        }
        if (manifest == null) {
            fetchManifest(now);
            return;
        }
        if (local.isComplete()) {
            finish();
            return;
        }
        if (local.heldChunks() == manifest.chunkCount() && inFlight.isEmpty()) {
            recheckCompletion();
            return;
        }
        zoneShare.observe(now, local.heldChunks(), manifest.chunkCount(), peers.values());
        catchUpRequests = zoneShare.catchUpRequests(local.heldChunks(), context.settings().requestsPerArtifact(),
                context.settings().catchUpRequests());
        schedule(now);
        awaitNews(now);
        boolean anyInFlight = !inFlight.isEmpty();
        // Chunks held back by the zone rule still have a source: waiting for them is by design, not a stall.
        if (!anyInFlight && now - lastProgressAt > context.settings().noSourceTimeout().toMillis()
                && !anyPeerHasAMissingChunk(now)) {
            fail("no peer served a missing chunk for " + context.settings().noSourceTimeout().toSeconds()
                    + " s (" + peers.size() + " peers known, " + local.heldChunks() + "/" + manifest.chunkCount()
                    + " chunks held)");
        }
    }

    private boolean anyPeerHasAMissingChunk(long now) {
        BitSet missing = missingChunks();
        for (PeerState peer : peers.values()) {
            if (peer.bannedUntil <= now && peer.has.intersects(missing)) {
                return true;
            }
        }
        return false;
    }

    private boolean rechecking;

    private void recheckCompletion() {
        if (rechecking) {
            return;
        }
        rechecking = true;
        Mono.fromRunnable(() -> {
            try {
                context.store().verifyIfWhole(digest);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).subscribeOn(Schedulers.fromExecutor(context.storeWriter())).publishOn(context.swarmThread())
                .subscribe(done -> { }, error -> {
                    rechecking = false;
                    fail("completion check failed: " + error);
                }, () -> rechecking = false);
    }

    private void refreshPeers(long now) {
        // Holders from gossip, plus every member of this zone: asking them directly shows at once who else here is
        // fetching, where gossiped holdings may lag by a second or more.
        List<Peer> holders = holders();
        Map<String, Peer> current = new HashMap<>();
        holders.forEach(p -> current.put(p.id(), p));
        for (Peer peer : context.zonePeers()) {
            if (current.putIfAbsent(peer.id(), peer) == null) {
                holders.add(peer);
            }
        }
        peers.values().removeIf(state -> {
            boolean gone = !current.containsKey(state.peer.id()) && state.inFlight == 0;
            if (gone) {
                availability.replace(state.has, new BitSet());
            }
            return gone;
        });
        List<PeerState> known = new ArrayList<>(holders.size());
        for (Peer peer : holders) {
            PeerState state = peers.computeIfAbsent(peer.id(), id -> new PeerState(peer));
            state.peer = peer; // fresh load and address from gossip
            known.add(state);
        }
        if (manifest != null) {
            // Only current holders and zone members: a peer gossip no longer lists is kept for its requests in flight.
            HoldingsPolls.due(known, now, this::refreshInterval, context.settings().holdingsPolls())
                    .forEach(this::poll);
        }
    }

    /** Asks a peer for its bitfield, sending ours along. */
    private void poll(PeerState state) {
        askBitfield(state, Duration.ZERO, "poll");
    }

    /**
     * Asks a peer for its bitfield, sending ours along; with a {@code wait} the peer answers once it holds a chunk we
     * lack, or when the wait is over ({@link HoldingsNews}).
     */
    private void askBitfield(PeerState state, Duration wait, String via) {
        state.bitfieldPending = true;
        boolean waiting = !wait.isZero();
        if (waiting) {
            newsWaits++;
        }
        long askedAt = context.now();
        BitSet missingWhenAsked = waiting ? missingChunks() : null;
        context.client().bitfield(state.peer, digest, HoldingsHeader.encode(local.bitfield()).orElse(null), wait)
                .publishOn(context.swarmThread())
                .doFinally(signal -> {
                    state.bitfieldPending = false;
                    if (waiting) {
                        newsWaits--;
                    }
                })
                .subscribe(bits -> {
                    BitSet held = bits.orElseGet(BitSet::new);
                    if (waiting && context.now() - askedAt < wait.toMillis() / 2 && !held.intersects(missingWhenAsked)) {
                        // An answer without news long before the wait was over: a peer that does not wait (an
                        // older version, say). Plain polls for it, or this download would ask it again every tick.
                        state.waitsRefusedUntil = context.now() + BITFIELD_REFRESH_MS;
                    }
                    learned(state, bits.isPresent(), held, via);
                    if (!finished && manifest != null && !local.isComplete()) {
                        // New holdings are work to hand out now, not at the next tick.
                        schedule(context.now());
                    }
                }, error -> {
                    state.bitfieldAt = context.now();
                    if (waiting) {
                        // Refused (too many waits there) or failed: plain polls reach this peer for a while.
                        state.waitsRefusedUntil = context.now() + BITFIELD_REFRESH_MS;
                    }
                });
    }

    /**
     * A download that has fetched everything its peers hold asks the ones still fetching to answer when they receive
     * something new, instead of hearing of it at the next poll, up to a second later: those lulls, when every
     * downloader has taken what the others hold and waits for the origin's next chunks, left the peers' uplinks idle
     * (N=8 lab runs). Only when no peer still fetching has anything to ask for (origins and other complete holders
     * aside, whose holdings do not change): while some have, requests and replies carry the news. At most
     * {@code holdings-polls} waits are open at once.
     */
    private void awaitNews(long now) {
        Duration wait = context.settings().holdingsWait();
        int budget = context.settings().holdingsPolls();
        if (wait.isZero() || newsWaits >= budget) {
            return;
        }
        BitSet missing = missingChunks();
        List<PeerState> fetching = new ArrayList<>();
        for (PeerState state : peers.values()) {
            if (state.present && state.usable(now) && !state.holdsAll(manifest.chunkCount())) {
                if (state.has.intersects(missing)) {
                    return;
                }
                fetching.add(state);
            }
        }
        for (PeerState state : fetching) {
            if (newsWaits >= budget) {
                return;
            }
            if (!state.bitfieldPending && state.waitsRefusedUntil <= now) {
                askBitfield(state, wait, "wait");
            }
        }
    }

    /** The chunks this download still lacks, built once per check so each peer costs one {@code intersects}. */
    private BitSet missingChunks() {
        BitSet missing = new BitSet(manifest.chunkCount());
        missing.set(0, manifest.chunkCount());
        missing.andNot(local.bitfield().snapshot());
        return missing;
    }

    /**
     * A peer asking us for a chunk of this artifact, or polling our bitfield, sent its bitfield along, usually fresher
     * than any poll of ours. Called from any thread; the state changes on the swarm thread. The bitfield is added to
     * what we knew rather than replacing it: it was taken when the request was made, so it may be older than one the
     * peer's last reply brought, and a peer's holdings only grow while it fetches (a chunk it dropped is cleared by its
     * 404). Unknown peers (not holders or zone members by gossip yet), banned ones and bitfields longer than the
     * artifact are ignored.
     */
    void peerAnnounced(String peerId, BitSet holdings, String via) {
        context.swarmThread().schedule(() -> peerHolds(peerId, holdings, via, true));
    }

    /**
     * A peer's notice named chunks it stored lately ({@link HoldingsNotice}): added to what we knew of it, as an
     * announced bitfield is. A notice names only the chunks since the peer's last one, and notices may be lost, so
     * unlike a whole bitfield it does not make the peer's next poll wait.
     */
    void peerNoticed(String peerId, BitSet chunks, int uploads) {
        context.swarmThread().schedule(() -> {
            noticesHeard++;
            PeerState state = peers.get(peerId);
            if (state != null) {
                // Fresher than the count its last chunk reply brought, if any: it steers requests the same way.
                state.uploads = uploads;
                state.uploadsAt = context.now();
            }
            peerHolds(peerId, chunks, "notice", false);
        });
    }

    /** What a peer said it holds, added to what we knew; on the swarm thread. */
    private void peerHolds(String peerId, BitSet holdings, String via, boolean whole) {
        PeerState state = peers.get(peerId);
        if (state == null || finished || manifest == null || !withinArtifact(holdings)
                || state.bannedUntil > context.now()) {
            return;
        }
        BitSet known = (BitSet) state.has.clone();
        known.or(holdings);
        if (known.equals(state.has) && state.present) {
            if (whole) {
                // Nothing new, but known as of now: no poll of this peer is due for another interval.
                state.bitfieldAt = context.now();
            }
            return;
        }
        long polledAt = state.bitfieldAt;
        learned(state, true, known, via);
        if (!whole) {
            state.bitfieldAt = polledAt;
        }
        if (!local.isComplete()) {
            schedule(context.now());
        }
    }

    /**
     * A peer's bitfield, {@code via} a poll, a chunk it served us, a chunk request it sent us, or a poll of ours it
     * sent us.
     */
    private void learned(PeerState state, boolean present, BitSet next, String via) {
        context.metrics().holdingsLearned(via);
        state.present = present;
        if (peers.get(state.peer.id()) == state) {
            availability.replace(state.has, next);
        }
        state.has = next;
        state.bitfieldAt = context.now();
    }

    /** Whether a bitfield a peer sent names no chunk beyond this artifact's; a longer one is ignored as malformed. */
    private boolean withinArtifact(BitSet holdings) {
        return holdings.length() <= manifest.chunkCount();
    }

    /**
     * How often a peer's bitfield is polled. Peers we fetch from send theirs with every chunk, so polls mostly reach
     * the others; a peer that holds everything changes only by deleting, which a 404 for a chunk reveals anyway.
     */
    private long refreshInterval(PeerState state) {
        return state.holdsAll(manifest.chunkCount()) ? COMPLETE_PEER_REFRESH_MS : BITFIELD_REFRESH_MS;
    }

    /**
     * Holders by gossip, then those found by asking that gossip does not name yet. A found holder is forgotten once
     * gossip names it: from then on gossip says whether it is still alive.
     */
    private List<Peer> holders() {
        List<Peer> holders = new ArrayList<>(context.holdersOf(digest));
        if (!foundHolders.isEmpty()) {
            holders.forEach(p -> foundHolders.remove(p.id()));
            holders.addAll(foundHolders.values());
        }
        return holders;
    }

    /** Asks a holder for the manifest when one is due ({@link ManifestAsks}); fails when none served in time. */
    private void fetchManifest(long now) {
        if (manifestOpening) {
            return;
        }
        if (!manifestAsks.pending() && now - startedAt > context.settings().noSourceTimeout().toMillis()) {
            // Bounded: holders that never answer (unreachable, refusing our TLS certificate) end the wait too.
            fail(manifestRefusal != null ? "no acceptable manifest: " + manifestRefusal
                    : holders().isEmpty() ? "no member of the swarm holds " + digest
                    : "no holder served the manifest of " + digest + " (last error: " + manifestError + ")");
            return;
        }
        // Holders are read only when an ask is due: reading them decodes every member's gossiped summary.
        if (manifestAsks.due(now)) {
            manifestAsks.next(now, holders()).ifPresent(this::askManifest);
        }
    }

    private void askManifest(Peer peer) {
        manifestAskCount++;
        Disposable request = context.client().manifest(peer, digest)
                .onErrorResume(e -> {
                    manifestError = peer.id() + ": " + e.getMessage();
                    return Mono.empty();
                })
                .filter(reply -> reply.manifest().digest().equals(digest))
                .publishOn(context.swarmThread())
                .filter(reply -> accepted(peer, reply.manifest()))
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .subscribe(reply -> manifestAnswered(peer, reply.orElse(null)));
        if (!request.isDisposed()) {
            manifestRequests.put(peer.id(), request);
        }
    }

    /** @param reply an acceptable manifest, or null if the peer served none */
    private void manifestAnswered(Peer peer, PeerClient.ManifestReply reply) {
        manifestRequests.remove(peer.id());
        if (finished || manifest != null || manifestOpening) {
            return; // a hedge that lost the race
        }
        long now = context.now();
        if (reply == null) {
            manifestAsks.ended();
            fetchManifest(now);
            return;
        }
        manifestOpening = true;
        manifestRequests.values().forEach(Disposable::dispose);
        manifestRequests.clear();
        manifestAsks.endRound(now);
        Mono.fromCallable(() -> context.store().beginPartial(reply.manifest()))
                .subscribeOn(Schedulers.boundedElastic())
                .publishOn(context.swarmThread())
                .subscribe(artifact -> {
                    manifestOpening = false;
                    if (!finished) {
                        adopt(artifact, reply);
                    }
                }, error -> {
                    manifestOpening = false;
                    log.warn("Could not set up {}: {}", digest.shortForm(), error.toString());
                });
    }

    /** Checks a manifest against the trusted publishers; a refusal is kept so a download that never gets one says why. */
    private boolean accepted(Peer peer, Manifest candidate) {
        Optional<String> refusal = context.manifestRefusal(candidate);
        if (refusal.isEmpty()) {
            return true;
        }
        if (!refusal.get().equals(manifestRefusal)) {
            context.manifestRefused(peer, refusal.get());
        }
        manifestRefusal = refusal.get();
        return false;
    }

    /** @param served the reply that brought the manifest; null for a partial artifact resumed from the store */
    private void adopt(StoredArtifact artifact, PeerClient.ManifestReply served) {
        this.local = artifact;
        this.manifest = artifact.manifest();
        this.manifestAt = context.now();
        this.manifestFrom = served == null ? null : served.server().id();
        this.availability.reset(manifest.chunkCount(), peers.values().stream().map(p -> p.has).toList());
        opened.tryEmitValue(artifact);
        if (served != null && served.holdings() != null && withinArtifact(served.holdings())) {
            // The manifest came with its server's bitfield: that peer can be asked for chunks without a poll first.
            Peer server = served.server();
            PeerState state = peers.computeIfAbsent(server.id(), id -> new PeerState(server));
            state.origin |= served.fromOrigin();
            learned(state, true, served.holdings(), "manifest");
        }
        if (ticker != null && !finished) {
            // Chunks from what the manifest's server holds first, then bitfields now rather than at the next tick:
            // sending a round of polls takes the swarm thread a while on a busy host, the first requests should not
            // wait for it.
            lastPeerRefreshAt = context.now();
            if (!local.isComplete()) {
                schedule(lastPeerRefreshAt);
            }
            refreshPeers(lastPeerRefreshAt);
        } else {
            lastPeerRefreshAt = 0; // fetch bitfields on the first tick
        }
    }

    /**
     * Hands out the request budget. Peers are taken by class: this zone before others, and peers that alone hold
     * chunks we lack (the origin, early on) before the rest, or a budget spent on many peers would leave the origin
     * idle. Within a class each request goes to the less loaded of two peers drawn at random ({@link PeerChooser}),
     * so the swarm's uploads stay evenly busy instead of every downloader crowding the peers that looked fastest.
     */
    private void schedule(long now) {
        int limit = context.settings().requestsPerArtifact() + catchUpRequests;
        int inFlightNow = totalInFlight();
        if (inFlightNow >= limit) {
            return;
        }
        int perPeer = context.settings().requestsPerPeer();
        BitSet rareWanted = (BitSet) availability.soleHolder().clone();
        rareWanted.andNot(local.bitfield().snapshot());
        double best = 0;
        for (PeerState p : peers.values()) {
            if (p.usable(now)) {
                best = Math.max(best, p.score.value(p.peer.load()));
            }
        }
        List<List<PeerState>> classes = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                new ArrayList<>());
        for (PeerState p : peers.values()) {
            if (p.usable(now) && p.inFlight < allowance(p, best, perPeer)) {
                int otherZone = zoneShare.inZone(p) ? 0 : 2;
                classes.get(otherZone + (p.has.intersects(rareWanted) ? 0 : 1)).add(p);
            }
        }
        // Worked out once for the pass, and only when a peer of another zone may be asked at all.
        IntPredicate acrossZones = classes.get(2).isEmpty() && classes.get(3).isEmpty() ? null
                : zoneShare.acrossZones(now, context.hasZonePeers(), manifest.chunkCount(), peers.values(),
                        inFlight::containsKey);
        for (List<PeerState> candidates : classes) {
            while (inFlightNow < limit && !candidates.isEmpty()) {
                int index = chooser.choose(candidates, p -> expectedUploads(p, now));
                PeerState peer = candidates.get(index);
                int chunk = picker.next(view, peer.peer.id(), peer.has, allowed(peer, now, acrossZones),
                        !peer.origin, peer.origin);
                if (chunk >= 0) {
                    request(peer, chunk);
                    inFlightNow++;
                }
                if (chunk < 0 || peer.inFlight >= allowance(peer, best, perPeer)) {
                    // Swap-remove: order within a class does not matter, the choice is random.
                    candidates.set(index, candidates.get(candidates.size() - 1));
                    candidates.remove(candidates.size() - 1);
                }
            }
        }
    }

    private static int allowance(PeerState peer, double best, int perPeer) {
        return PeerScore.allowance(peer.score.value(peer.peer.load()), best, perPeer);
    }

    /**
     * Uploads a peer is likely busy with: what it said with its last chunk, while that is fresh, plus what we have
     * asked of it since. A peer not heard from lately counts as idle, so it is tried again and tells us.
     */
    private static double expectedUploads(PeerState peer, long now) {
        boolean fresh = peer.uploads >= 0 && now - peer.uploadsAt <= UPLOADS_FRESH_MS;
        return (fresh ? peer.uploads : 0) + peer.inFlight;
    }

    /**
     * What a peer may be asked for now: for a peer in another zone this download's share of the WAN copy
     * ({@code acrossZones}), and an origin's own wishes. Null allows everything.
     */
    private IntPredicate allowed(PeerState peer, long now, IntPredicate acrossZones) {
        IntPredicate zone = zoneShare.inZone(peer) ? null : acrossZones;
        if (peer.askInstead == null || peer.askInsteadUntil <= now) {
            peer.askInstead = null;
            return zone;
        }
        BitSet offered = peer.askInstead;
        return zone == null ? offered::get : chunk -> offered.get(chunk) && zone.test(chunk);
    }

    private void request(PeerState peer, int chunk) {
        peer.inFlight++;
        trace.requested(chunk, peer.peer.id(), peer.inFlight);
        long started = context.now();
        if (firstRequestAt == 0) {
            firstRequestAt = started;
        }
        // The rate cap is paid before asking, so no received chunk waits in memory for its turn.
        Disposable request = context.downloadLimiter().acquire(Boolean.TRUE, manifest.chunkLength(chunk))
                .then(context.client().chunk(peer.peer, digest, chunk, context.settings().chunkTimeout(),
                        HoldingsHeader.encode(local.bitfield()).orElse(null)))
                // Once bytes are here the write must finish even if this request loses an endgame race: cancelling
                // a task on a Reactor worker interrupts it, and an interrupt closes the FileChannel mid-write.
                .flatMap(reply -> Mono.fromFuture(CompletableFuture.supplyAsync(() -> store(chunk, reply),
                        context.storeWriter()), true))
                .doOnDiscard(PeerClient.ChunkReply.class, PeerClient.ChunkReply::release)
                .onErrorMap(CompletionException.class, Throwable::getCause)
                .publishOn(context.swarmThread())
                .subscribe(stored -> chunkArrived(peer, chunk, stored, started),
                        error -> chunkFailed(peer, chunk, error));
        inFlight.computeIfAbsent(chunk, c -> new HashMap<>()).put(peer.peer.id(), request);
    }

    /** What is kept of a reply once its bytes are verified and on disk. */
    private record StoredChunk(int length, boolean fromOrigin, long latencyNanos, BitSet holdings, int uploads) {
    }

    /** Verifies and writes a reply straight from the buffers it arrived in, then gives them back. */
    private StoredChunk store(int chunk, PeerClient.ChunkReply reply) {
        try (DataBuffer.ByteBufferIterator parts = reply.body().readableByteBuffers()) {
            List<ByteBuffer> buffers = new ArrayList<>();
            parts.forEachRemaining(buffers::add);
            context.store().putChunk(digest, chunk, buffers.toArray(ByteBuffer[]::new));
            return new StoredChunk(reply.length(), reply.fromOrigin(), reply.latencyNanos(), reply.holdings(),
                    reply.uploads());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            reply.release();
        }
    }

    private void chunkArrived(PeerState peer, int chunk, StoredChunk reply, long started) {
        int length = reply.length();
        trace.arrived(chunk, peer.peer.id(), context.now() - started, reply.latencyNanos() / 1_000_000);
        peer.inFlight--;
        Map<String, Disposable> requests = inFlight.remove(chunk);
        if (requests != null) {
            // Endgame: the chunk is here, the duplicate requests are losers.
            requests.forEach((id, request) -> {
                if (!id.equals(peer.peer.id())) {
                    request.dispose();
                    trace.ended(chunk, id, "cancelled");
                    PeerState other = peers.get(id);
                    if (other != null) {
                        other.inFlight--;
                    }
                }
            });
        }
        if (reply.holdings() != null && withinArtifact(reply.holdings())) {
            learned(peer, true, reply.holdings(), "reply");
        }
        peer.origin = reply.fromOrigin();
        if (reply.uploads() >= 0) {
            peer.uploads = reply.uploads();
            peer.uploadsAt = context.now();
        }
        peer.score.sample(length, (context.now() - started) * 1_000_000L, reply.latencyNanos());
        peer.bytesFrom += length;
        bytesFetched += length;
        lastProgressAt = context.now();
        if (firstChunkAt == 0) {
            firstChunkAt = lastProgressAt;
            announceFirstChunk(peer);
        }
        announceStored(chunk);
        String source = reply.fromOrigin() ? "origin" : "peer";
        String locality = zoneShare.inZone(peer) ? "same_zone" : "cross_zone";
        context.metrics().fetched(source, locality, length);
        bytesBySource.merge(source + "/" + locality, (long) length, Long::sum);
        if (local.isComplete()) {
            finish();
        } else if (!finished) {
            // Refill the pipeline now rather than at the next tick: a 100 ms gap per chunk caps a peer's rate.
            schedule(context.now());
        }
    }

    /**
     * The first chunk makes this download a source. Until now the other downloaders learned nothing from it worth
     * asking for, and their next round of polls may be up to a second away, at the start, when the swarm's uplinks
     * are idlest. Polling them now tells them at once (our bitfield rides along with every poll); from here on the
     * chunk requests and replies between downloaders carry the news.
     */
    private void announceFirstChunk(PeerState sender) {
        HoldingsPolls.firstNews(peers.values(), sender, context.now(), manifest.chunkCount(),
                context.settings().holdingsPolls()).forEach(this::poll);
    }

    /**
     * Tells the peers that may lack it of a chunk just stored, with a notice on the gossip socket
     * ({@link HoldingsNotice}): at once when the last notice went out {@code holdings-notice-interval} ago or more,
     * else with every chunk stored meanwhile once that interval is over. So a download sends a few notices a second to
     * at most {@code holdings-polls} peers each, however fast its chunks arrive.
     */
    private void announceStored(int chunk) {
        long interval = context.settings().holdingsNoticeInterval().toMillis();
        if (interval == 0) {
            return;
        }
        unannounced.set(chunk);
        long now = context.now();
        if (now - lastNoticeAt >= interval) {
            sendNotice(now);
        } else if (!noticeScheduled) {
            noticeScheduled = true;
            context.swarmThread().schedule(() -> {
                noticeScheduled = false;
                sendNotice(context.now());
            }, lastNoticeAt + interval - now, TimeUnit.MILLISECONDS);
        }
    }

    private void sendNotice(long now) {
        if (unannounced.isEmpty()) {
            return;
        }
        lastNoticeAt = now;
        BitSet batch = new BitSet();
        for (int chunk = unannounced.nextSetBit(0); chunk >= 0 && batch.cardinality() < HoldingsNotice.MAX_CHUNKS;
                chunk = unannounced.nextSetBit(chunk + 1)) {
            batch.set(chunk);
        }
        unannounced.andNot(batch);
        List<String> recipients =
                HoldingsNotice.recipients(peers.values(), batch, now, context.settings().holdingsPolls());
        if (!recipients.isEmpty()) {
            context.sendNotice(recipients, HoldingsNotice.encode(digest, batch, context.uploadsInProgress()));
            noticesSent++;
            noticeDatagrams += recipients.size();
        }
        if (!unannounced.isEmpty()) {
            announceStored(unannounced.nextSetBit(0)); // more than one notice holds: the rest after the interval
        }
    }

    private void chunkFailed(PeerState peer, int chunk, Throwable error) {
        peer.inFlight--;
        trace.ended(chunk, peer.peer.id(), error.getClass().getSimpleName());
        Map<String, Disposable> requests = inFlight.get(chunk);
        if (requests != null) {
            requests.remove(peer.peer.id());
            if (requests.isEmpty()) {
                inFlight.remove(chunk);
            }
        }
        long now = context.now();
        if (error instanceof io.edgeswarm.agent.storage.StorageFullException full) {
            // Not the peer's fault, and no other peer can help: stop, keep the verified chunks for a later resume.
            fail("storage full: " + full.getMessage() + (full.getCause() == null ? ""
                    : " (" + full.getCause().getMessage() + ")"), false);
            return;
        }
        if (error instanceof ChunkVerificationException bad) {
            peer.bannedUntil = now + context.settings().banDuration().toMillis();
            availability.replace(peer.has, new BitSet());
            peer.has = new BitSet();
            context.peerBanned(peer.peer, bad.getMessage());
        } else if (error instanceof SentAlreadyException sentAlready) {
            // The origin wants its upload spent on chunks nobody has: this one comes from a peer, and the origin is
            // asked at once for one it offered.
            peer.origin = true;
            peer.askInstead = sentAlready.askInstead();
            peer.askInsteadUntil = now + ASK_INSTEAD_TTL_MS;
            if (!finished) {
                schedule(now);
            }
        } else if (error instanceof PeerBusyException) {
            peer.backoffUntil = now + BUSY_BACKOFF_MS;
        } else {
            if (error instanceof ChunkRefusedException refused && refused.notHeld() && peer.has.get(chunk)) {
                BitSet next = (BitSet) peer.has.clone();
                next.clear(chunk);
                availability.replace(peer.has, next);
                peer.has = next;
            }
            peer.backoffUntil = now + FAILURE_BACKOFF_MS;
            // A peer that went away or answered no is ordinary churn; anything else is a bug worth a stack trace.
            boolean expected = error instanceof ChunkRefusedException
                    || error instanceof java.util.concurrent.TimeoutException
                    || error instanceof java.io.IOException;
            if (expected) {
                log.debug("Chunk {} of {} from {} failed: {}", chunk, digest.shortForm(), peer.peer.id(),
                        error.toString());
            } else {
                log.warn("Chunk {} of {} from {} failed", chunk, digest.shortForm(), peer.peer.id(), error);
            }
        }
    }

    private int totalInFlight() {
        int n = 0;
        for (PeerState p : peers.values()) {
            n += p.inFlight;
        }
        return n;
    }

    private final PiecePicker.View view = new PiecePicker.View() {
        @Override
        public int chunkCount() {
            return manifest.chunkCount();
        }

        @Override
        public boolean held(int chunk) {
            return local.hasChunk(chunk);
        }

        @Override
        public int requested(int chunk) {
            Map<String, Disposable> requests = inFlight.get(chunk);
            return requests == null ? 0 : requests.size();
        }

        @Override
        public boolean requestedFrom(int chunk, String peer) {
            Map<String, Disposable> requests = inFlight.get(chunk);
            return requests != null && requests.containsKey(peer);
        }

        @Override
        public int holders(int chunk) {
            return availability.holders(chunk);
        }

        @Override
        public int heldCount() {
            return local.heldChunks();
        }

        @Override
        public int firstMissing() {
            return local.firstMissingChunk();
        }
    };

    private void finish() {
        if (finished) {
            return;
        }
        finishedAt = context.now();
        finished = true;
        ticker.dispose();
        long elapsedMs = context.now() - startedAt;
        log.info("Fetched {} ({} bytes) in {} ms from {} peers (manifest after {} ms, first request after {} ms, "
                + "first chunk after {} ms; manifest from {} of {} holders asked; holdings notices: {} sent in {} "
                + "datagrams, {} heard)", digest, bytesFetched, elapsedMs, peers.size(), since(manifestAt),
                since(firstRequestAt), since(firstChunkAt), manifestFrom, manifestAskCount, noticesSent,
                noticeDatagrams, noticesHeard);
        context.store().unpin(digest);
        completed.tryEmitValue(local);
        context.finished(this);
    }

    /** Milliseconds from the start to a milestone, or -1 if it was never reached (a resume with nothing missing). */
    private long since(long milestone) {
        return milestone == 0 ? -1 : milestone - startedAt;
    }

    void fail(String reason) {
        fail(reason, manifestRefusal == null);
    }

    /**
     * @param retryable whether the cause may pass by itself (sources unreachable), so the download is worth starting
     *     again when members come back; a full disk or an untrusted manifest is not
     */
    void fail(String reason, boolean retryable) {
        if (finished) {
            return;
        }
        this.retryable = retryable;
        finishedAt = context.now();
        finished = true;
        failure = reason;
        if (ticker != null) {
            ticker.dispose();
        }
        inFlight.values().forEach(requests -> requests.values().forEach(Disposable::dispose));
        inFlight.clear();
        manifestRequests.values().forEach(Disposable::dispose);
        manifestRequests.clear();
        log.warn("Download of {} failed: {}", digest, reason);
        context.store().unpin(digest);
        NoSourceException error = manifest == null && manifestRefusal != null
                ? new UntrustedManifestException(reason) : new NoSourceException(reason);
        opened.tryEmitError(error);
        completed.tryEmitError(error);
        context.finished(this);
    }
}
