package io.edgeswarm.agent.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.util.unit.DataSize;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * The content-addressed chunk store of one agent. Publishes stream to disk while hashing; partial artifacts take
 * verified chunks one at a time; every change reaches disk atomically, so a killed agent reopens to a consistent
 * store ({@link StoreRecovery}). Chunks of partial artifacts are made durable in groups, every sync interval
 * ({@link PartialFiles}).
 */
public final class ArtifactStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ArtifactStore.class);
    /** Buffers a publish may queue between the network and the disk: with 8 KiB network buffers and a 1 MiB write block, about 1.3 MiB per publish. */
    private static final int PUBLISH_PREFETCH = 32;
    /** For stores built without settings (tests, tools); agents take {@code edgeswarm.storage.sync-interval}. */
    static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofSeconds(1);

    private final StoreLayout layout;
    private final ChunkSizing chunkSizing;
    private final long maxBytes;
    private final Clock clock;
    private final Scheduler ioScheduler;
    private final Map<Digest, StoredArtifact> artifacts = new ConcurrentHashMap<>();
    private final NameIndex names;
    private final AtomicLong reserved = new AtomicLong();
    private final Sinks.Many<Digest> changes = Sinks.many().multicast().directBestEffort();
    private final java.util.Set<Digest> pinned = ConcurrentHashMap.newKeySet();
    private final AtomicLong evictions = new AtomicLong();
    private final java.util.function.UnaryOperator<Manifest> publishSigner;
    private final Duration syncInterval;
    private volatile Disposable syncTimer = Disposables.disposed();

    /**
     * @param maxBytes quota for artifact data, or 0 for none
     * @param ioScheduler where blocking file work runs
     */
    public ArtifactStore(Path root, int chunkSize, long maxBytes, Clock clock, Scheduler ioScheduler) {
        this(root, ChunkSizing.fixed(chunkSize), maxBytes, clock, ioScheduler, java.util.function.UnaryOperator.identity(),
                DEFAULT_SYNC_INTERVAL);
    }

    /**
     * @param publishSigner signs the manifest of every publish before it is written (identity for unsigned)
     * @param syncInterval how often chunks stored in partial artifacts are fsynced
     */
    public ArtifactStore(Path root, ChunkSizing chunkSizing, long maxBytes, Clock clock, Scheduler ioScheduler,
            java.util.function.UnaryOperator<Manifest> publishSigner, Duration syncInterval) {
        this.publishSigner = publishSigner;
        this.syncInterval = syncInterval;
        this.layout = new StoreLayout(root);
        this.chunkSizing = chunkSizing;
        this.maxBytes = maxBytes;
        this.clock = clock;
        this.ioScheduler = ioScheduler;
        this.names = new NameIndex(layout.names());
    }

    /** Creates or reopens the store, discarding half-written work and re-verifying partial artifacts. */
    public ArtifactStore open() throws IOException {
        layout.create();
        StoreRecovery recovery = new StoreRecovery(layout, clock);
        recovery.recover().forEach(artifact -> artifacts.put(artifact.digest(), artifact));
        names.load();
        syncTimer = ioScheduler.schedulePeriodically(this::syncPartials, syncInterval.toMillis(),
                syncInterval.toMillis(), TimeUnit.MILLISECONDS);
        log.info("Store at {} holds {} artifacts ({} complete), {} names", layout.root(), artifacts.size(),
                artifacts.values().stream().filter(StoredArtifact::isComplete).count(), names.snapshot().size());
        if (!ResumableSha256.available()) {
            log.warn("Chunks and whole artifacts are hashed in separate passes, and publishes list no chunk states: {}",
                    ResumableSha256.unavailableReason());
        }
        return this;
    }

    /** Digests of artifacts added, grown, completed or deleted; hot, best effort, for announcing holdings. */
    public Flux<Digest> changes() {
        return changes.asFlux();
    }

    private void changed(Digest digest) {
        synchronized (changes) {
            changes.tryEmitNext(digest);
        }
    }

    public Path root() {
        return layout.root();
    }

    /**
     * Streams {@code body} to disk under {@code name}, hashing chunks and the whole as the bytes pass. Memory stays
     * bounded by {@link #PUBLISH_PREFETCH} buffers; a failed or cancelled publish leaves nothing behind.
     */
    public Mono<Manifest> publish(ArtifactName name, Flux<DataBuffer> body) {
        return publish(name, body, -1);
    }

    /** @param expectedSize the body's length if the client said (Content-Length), else negative; sizes the chunks */
    public Mono<Manifest> publish(ArtifactName name, Flux<DataBuffer> body, long expectedSize) {
        return publishInChunksOf(name, body, chunkSizing.forArtifact(expectedSize));
    }

    /**
     * As {@link #publish(ArtifactName, Flux, long)}, in chunks of the size the publisher asked for.
     *
     * <p>Fails with {@link InvalidInputException} when this agent's chunk sizing does not allow {@code requestedChunkSize}.
     */
    public Mono<Manifest> publish(ArtifactName name, Flux<DataBuffer> body, DataSize requestedChunkSize) {
        return Mono.defer(() -> publishInChunksOf(name, body, chunkSizing.forRequest(requestedChunkSize.toBytes())));
    }

    private Mono<Manifest> publishInChunksOf(ArtifactName name, Flux<DataBuffer> body, int chunkSize) {
        return Mono.usingWhen(
                // No I/O here (the file opens with the first bytes), so usingWhen owns the session at once and a
                // client hanging up at any point still closes it and removes its temp file.
                Mono.fromCallable(() -> openPublish(chunkSize)),
                session -> body.publishOn(ioScheduler, PUBLISH_PREFETCH)
                        .doOnNext(buffer -> {
                            try {
                                session.write(buffer);
                            } finally {
                                DataBufferUtils.release(buffer);
                            }
                        })
                        .doOnDiscard(DataBuffer.class, DataBufferUtils::release)
                        .then(Mono.fromCallable(() -> adopt(session,
                                publishSigner.apply(session.finish(name.value()))))),
                session -> Mono.fromRunnable(session::close).subscribeOn(ioScheduler),
                (session, error) -> Mono.fromRunnable(session::close).subscribeOn(ioScheduler),
                session -> Mono.fromRunnable(session::close).subscribeOn(ioScheduler));
    }

    private PublishSession openPublish(int chunkSize) {
        Path temp = layout.tmp().resolve("publish-" + UUID.randomUUID() + ".data");
        return new PublishSession(temp, chunkSize, new QuotaReservation(reserved, this::makeRoom));
    }

    /** Moves a finished publish into place under its digest; an identical artifact already held is simply named. */
    private synchronized Manifest adopt(PublishSession session, Manifest manifest) throws IOException {
        StoredArtifact existing = artifacts.get(manifest.digest());
        if (existing != null && existing.isComplete()) {
            existing.touch(clock.instant());
            names.put(manifest.name(), manifest.digest(), clock.instant());
            log.info("Publish of {} matched stored artifact {}; name moved", manifest.name(), manifest.digest());
            return existing.manifest();
        }
        Path staging = layout.tmp().resolve("stage-" + UUID.randomUUID());
        Files.createDirectory(staging);
        Files.move(session.tempFile(), StoreLayout.data(staging));
        session.adopted();
        AtomicFiles.write(StoreLayout.manifest(staging), ManifestCodec.toJson(manifest));
        AtomicFiles.write(StoreLayout.originMarker(staging), new byte[0]);
        AtomicFiles.fsyncDirectory(staging);
        Path target = layout.artifactDir(manifest.digest());
        if (existing != null) {
            // A partial download of the same content: the publish supersedes it.
            discard(existing.dir());
        }
        AtomicFiles.move(staging, target);
        StoredArtifact stored = new StoredArtifact(manifest, target, Bitfield.full(manifest.chunkCount()), true,
                clock.instant(), true);
        artifacts.put(manifest.digest(), stored);
        names.put(manifest.name(), manifest.digest(), clock.instant());
        log.info("Published {} as {} ({} bytes, {} chunks)", manifest.name(), manifest.digest(), manifest.size(),
                manifest.chunkCount());
        changed(manifest.digest());
        return manifest;
    }

    /**
     * Prepares to receive an artifact chunk by chunk from peers: a sparse data file and an empty bitfield, made
     * visible atomically. The manifest must already be checked against a trusted digest.
     */
    public synchronized StoredArtifact beginPartial(Manifest manifest) throws IOException {
        StoredArtifact existing = artifacts.get(manifest.digest());
        if (existing != null) {
            return existing;
        }
        if (maxBytes > 0 && manifest.size() > maxBytes) {
            throw new StorageFullException("artifact " + manifest.digest() + " of " + manifest.size()
                    + " bytes is larger than the store quota of " + maxBytes + " bytes");
        }
        Path staging = layout.tmp().resolve("stage-" + UUID.randomUUID());
        Files.createDirectory(staging);
        try (FileChannel data = FileChannel.open(StoreLayout.data(staging), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            if (manifest.size() > 0) {
                data.write(ByteBuffer.allocate(1), manifest.size() - 1); // sparse: sets the length, allocates little
            }
            data.force(true);
        }
        Bitfield empty = new Bitfield(manifest.chunkCount());
        AtomicFiles.write(StoreLayout.bitfield(staging), empty.toByteArray());
        AtomicFiles.write(StoreLayout.manifest(staging), ManifestCodec.toJson(manifest));
        Path target = layout.artifactDir(manifest.digest());
        AtomicFiles.move(staging, target);
        StoredArtifact partial = new StoredArtifact(manifest, target, empty, false, clock.instant(), false);
        artifacts.put(manifest.digest(), partial);
        changed(manifest.digest());
        if (manifest.chunkCount() == 0) {
            completeIfWhole(partial);
        }
        return partial;
    }

    /**
     * Verifies and stores one chunk of a partial artifact. Its bytes, then its journal entry, reach the file system
     * before it counts as held, so a killed agent keeps it; the periodic sync makes it survive a power loss too, and
     * recovery re-verifies it either way. The last chunk triggers a check of the whole digest, unless the chunk checks
     * have proven it already.
     *
     * The bytes may come in several parts (the buffers they arrived in), hashed and written in place: a 4 MiB chunk
     * is never copied into one array first.
     *
     * @throws ChunkVerificationException if the bytes do not check out against the manifest ({@link ChunkCheck})
     */
    public void putChunk(Digest digest, int index, ByteBuffer... parts) throws IOException {
        StoredArtifact artifact = require(digest);
        Manifest manifest = artifact.manifest();
        try {
            artifact.chunkCheck().verify(index, parts);
        } catch (ChunkVerificationException e) {
            if (e.index() < 0) {
                discardLyingManifest(digest, e.getMessage());
            }
            throw e;
        }
        long length = manifest.chunkLength(index);
        if (artifact.hasChunk(index)) {
            return;
        }
        if (!makeRoom(manifest.chunkLength(index))) {
            throw new StorageFullException("no room for chunk " + index + " of " + digest.shortForm()
                    + " within the store quota of " + maxBytes + " bytes; everything else is pinned or partial");
        }
        ByteBuffer[] toWrite = new ByteBuffer[parts.length];
        for (int i = 0; i < parts.length; i++) {
            toWrite[i] = parts[i].duplicate();
        }
        PartialFiles files = artifact.partialFiles();
        try {
            if (files == null || !files.write(manifest.chunkOffset(index), toWrite, length)) {
                return; // complete meanwhile (this was a duplicate of a held chunk), deleted, or the store closed
            }
        } catch (IOException e) {
            throw StorageErrors.translate("writing chunk " + index + " of " + digest.shortForm(), e);
        }
        synchronized (artifact) {
            if (artifact.isComplete()) {
                return;
            }
            try {
                // File system first, memory second: whatever status has shown as held survives a kill -9.
                files.record(index);
            } catch (IOException e) {
                // The bytes are written; at worst a restart fetches the chunk again.
                throw StorageErrors.translate("recording chunk " + index + " of " + digest.shortForm(), e);
            }
            artifact.bitfield().set(index);
        }
        advanceWholeDigest(artifact, index, parts);
        changed(digest);
        completeIfWhole(artifact);
    }

    /** Hashes the whole content on as far as chunks have arrived in order, so completion has little left to read. */
    private static void advanceWholeDigest(StoredArtifact artifact, int index, ByteBuffer[] parts) {
        WholeDigest whole = artifact.wholeDigest();
        if (whole == null) {
            return;
        }
        try {
            whole.stored(index, parts, artifact.bitfield(), artifact.dataFile());
        } catch (IOException e) {
            // The chunk is stored; the check at completion reads the file from the start and reports what fails.
            log.warn("Reading back chunks of {} for its whole digest failed; the file is checked when complete: {}",
                    artifact.digest().shortForm(), e.toString());
        }
    }

    /**
     * Marks a partial artifact complete if every chunk is held and the whole checks out; for a caller that saw all
     * chunks held without completion (a completion check that failed midway).
     */
    public void verifyIfWhole(Digest digest) throws IOException {
        completeIfWhole(require(digest));
    }

    private void completeIfWhole(StoredArtifact artifact) throws IOException {
        Digest whole;
        synchronized (artifact) {
            if (artifact.isComplete() || !artifact.bitfield().isComplete()) {
                return;
            }
            WholeDigest advanced = artifact.wholeDigest(); // null when every chunk's check proved its part of the whole
            int hashedAhead = advanced == null ? artifact.manifest().chunkCount() : advanced.hashedChunks();
            whole = advanced == null ? artifact.digest() : advanced.finish(artifact.dataFile());
            if (whole.equals(artifact.digest())) {
                // Data durable first: without a bitfield the next start trusts the artifact as complete.
                artifact.partialFiles().retire(true);
                Files.deleteIfExists(StoreLayout.bitfield(artifact.dir()));
                Files.deleteIfExists(StoreLayout.journal(artifact.dir()));
                AtomicFiles.fsyncDirectory(artifact.dir());
                artifact.markComplete();
                changed(artifact.digest());
                log.info("Artifact {} is complete and verified ({} of {} chunks hashed whole as they arrived{})",
                        artifact.digest(), hashedAhead, artifact.manifest().chunkCount(),
                        advanced == null ? ", along the manifest's chunk states" : "");
                return;
            }
        }
        discardLyingManifest(artifact.digest(), "it hashes to " + whole + " although every chunk verified");
        throw new ChunkVerificationException(artifact.digest(), -1, artifact.digest(), whole);
    }

    /**
     * The bytes are what the manifest lists, yet the manifest contradicts itself (its chunk states, or its whole digest,
     * disagree with its chunk digests): no sender is to blame and no chunk of it can be trusted, so nothing is kept.
     */
    private void discardLyingManifest(Digest digest, String evidence) throws IOException {
        log.error("Manifest of {} contradicts itself; discarding the artifact: {}", digest, evidence);
        delete(digest);
    }

    public Optional<StoredArtifact> find(Digest digest) {
        StoredArtifact artifact = artifacts.get(digest);
        if (artifact != null) {
            artifact.touch(clock.instant());
        }
        return Optional.ofNullable(artifact);
    }

    public StoredArtifact require(Digest digest) {
        return find(digest).orElseThrow(() -> new ArtifactNotFoundException("artifact " + digest + " is not held here"));
    }

    public Collection<StoredArtifact> list() {
        return artifacts.values().stream().sorted(Comparator.comparing(a -> a.manifest().name())).toList();
    }

    public Optional<Digest> resolve(ArtifactName name) {
        return names.resolve(name.value()).map(NameIndex.Entry::digest);
    }

    /** Names held in the local index, each with the digest it points to. */
    public Map<String, Digest> names() {
        Map<String, Digest> result = new java.util.TreeMap<>();
        names.snapshot().forEach((name, entry) -> result.put(name, entry.digest()));
        return result;
    }

    /** Names pointing at {@code digest}. */
    public List<String> namesOf(Digest digest) {
        return names().entrySet().stream().filter(e -> e.getValue().equals(digest)).map(Map.Entry::getKey).toList();
    }

    /** Removes an artifact and the names pointing at it; false if it was not held. */
    public synchronized boolean delete(Digest digest) throws IOException {
        StoredArtifact removed = artifacts.remove(digest);
        names.removeDigest(digest);
        if (removed == null) {
            return false;
        }
        if (removed.partialFiles() != null) {
            removed.partialFiles().retire(false);
        }
        discard(removed.dir());
        changed(digest);
        log.info("Deleted artifact {}", digest);
        return true;
    }

    /** Makes the chunks stored since the last sync durable; on the I/O scheduler every sync interval. */
    void syncPartials() {
        for (StoredArtifact artifact : artifacts.values()) {
            PartialFiles files = artifact.partialFiles();
            if (files == null || artifact.isComplete()) {
                continue;
            }
            try {
                files.sync();
            } catch (IOException | RuntimeException e) {
                // Nothing is lost yet: the chunks are written, only not flushed; the next interval tries again.
                log.warn("Syncing the chunks of {} to disk failed, retrying in {}: {}", artifact.digest().shortForm(),
                        syncInterval, e.toString());
            }
        }
    }

    /** Stops the sync timer and makes every partial artifact's chunks durable; the store is not used afterwards. */
    @Override
    public void close() {
        syncTimer.dispose();
        for (StoredArtifact artifact : artifacts.values()) {
            PartialFiles files = artifact.partialFiles();
            if (files == null) {
                continue;
            }
            try {
                try {
                    files.sync();
                } finally {
                    files.retire(false);
                }
            } catch (IOException e) {
                log.warn("Closing the files of {} failed; a restart re-verifies its chunks: {}",
                        artifact.digest().shortForm(), e.toString());
            }
        }
    }

    /** Renames a directory into tmp first, so a crash mid-delete never leaves a half artifact in place. */
    private void discard(Path dir) throws IOException {
        Path trash = layout.tmp().resolve("trash-" + UUID.randomUUID());
        AtomicFiles.move(dir, trash);
        AtomicFiles.deleteRecursively(trash);
    }

    /** Keeps an artifact from eviction, e.g. while it is being fetched or distributed. Counted: pin once, unpin once. */
    public void pin(Digest digest) {
        pinned.add(digest);
    }

    public void unpin(Digest digest) {
        pinned.remove(digest);
    }

    public long evictions() {
        return evictions.get();
    }

    /**
     * Evicts least recently used complete, unpinned artifacts until {@code bytes} more fit under the quota, beside
     * what is stored and reserved.
     *
     * @return false if they cannot be made to fit
     */
    boolean makeRoom(long bytes) {
        if (maxBytes <= 0) {
            return true; // no quota: nothing to lock for on every publish buffer
        }
        return evictUntilFits(bytes);
    }

    private synchronized boolean evictUntilFits(long bytes) {
        while (storedBytes() + reserved.get() + bytes > maxBytes) {
            Optional<StoredArtifact> victim = artifacts.values().stream()
                    .filter(a -> a.isComplete() && !pinned.contains(a.digest()))
                    .min(Comparator.comparing(StoredArtifact::lastAccess));
            if (victim.isEmpty()) {
                return false;
            }
            try {
                delete(victim.get().digest());
            } catch (IOException e) {
                throw StorageErrors.translate("evicting " + victim.get().digest().shortForm(), e);
            }
            evictions.incrementAndGet();
            log.info("Evicted {} (last used {}) to stay within the store quota of {} bytes", victim.get().digest(),
                    victim.get().lastAccess(), maxBytes);
        }
        return true;
    }

    /** Bytes of verified artifact data held. */
    public long storedBytes() {
        return artifacts.values().stream().mapToLong(StoredArtifact::heldBytes).sum();
    }

    /** Room left: the quota minus what is stored and reserved, and never more than the file system has. */
    public long freeBytes() {
        long disk;
        try {
            disk = Files.getFileStore(layout.root()).getUsableSpace();
        } catch (IOException e) {
            disk = 0;
        }
        if (maxBytes <= 0) {
            return disk;
        }
        return Math.max(0, Math.min(disk, maxBytes - storedBytes() - reserved.get()));
    }

    public long maxBytes() {
        return maxBytes;
    }
}
