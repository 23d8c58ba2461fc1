package io.edgeswarm.agent.storage;

import java.nio.file.Path;
import java.time.Instant;

/** One artifact in the store: its manifest, where its bytes are, and which chunks are held and verified. */
public final class StoredArtifact {

    private final Manifest manifest;
    private final Path dir;
    private final Bitfield held;
    private volatile boolean complete;
    private volatile Instant lastAccess;
    private final boolean origin;
    /** How arriving chunks are checked. */
    private final ChunkCheck chunkCheck;
    /** The whole digest so far while chunks arrive; null once complete, or when the chunk checks prove the whole. */
    private volatile WholeDigest wholeDigest;
    /** The open data file and journal while chunks arrive; null if complete when loaded. */
    private final PartialFiles partialFiles;

    StoredArtifact(Manifest manifest, Path dir, Bitfield held, boolean complete, Instant lastAccess, boolean origin) {
        this.origin = origin;
        this.manifest = manifest;
        this.dir = dir;
        this.held = held;
        this.complete = complete;
        this.lastAccess = lastAccess;
        this.chunkCheck = ChunkCheck.of(manifest);
        this.wholeDigest = complete || chunkCheck.provesWhole() ? null : new WholeDigest(manifest);
        this.partialFiles = complete ? null : new PartialFiles(dir);
    }

    public Manifest manifest() {
        return manifest;
    }

    public Digest digest() {
        return manifest.digest();
    }

    /** True when the artifact was published to this agent rather than fetched from a peer. */
    public boolean isOrigin() {
        return origin;
    }

    /** True once every chunk is held and the whole content was checked against the digest. */
    public boolean isComplete() {
        return complete;
    }

    public boolean hasChunk(int index) {
        return held.has(index);
    }

    /** The lowest chunk not held yet (the chunk count once all are held): where the in-order whole digest waits. */
    public int firstMissingChunk() {
        return held.firstMissing();
    }

    public int heldChunks() {
        return held.cardinality();
    }

    /** Bytes of verified chunks held. */
    public long heldBytes() {
        if (complete) {
            return manifest.size();
        }
        long bytes = 0;
        var bits = held.snapshot();
        for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
            bytes += manifest.chunkLength(i);
        }
        return bytes;
    }

    /** Fraction held, 0 to 1; a zero-byte artifact is always whole. */
    public double progress() {
        return manifest.chunkCount() == 0 ? 1.0 : (double) held.cardinality() / manifest.chunkCount();
    }

    public Bitfield bitfield() {
        return held;
    }

    public Instant lastAccess() {
        return lastAccess;
    }

    void touch(Instant now) {
        lastAccess = now;
    }

    Path dir() {
        return dir;
    }

    Path dataFile() {
        return StoreLayout.data(dir);
    }

    void markComplete() {
        complete = true;
        wholeDigest = null;
    }

    /** Where arriving chunks are written; null if the artifact was complete when loaded or published. */
    PartialFiles partialFiles() {
        return partialFiles;
    }

    ChunkCheck chunkCheck() {
        return chunkCheck;
    }

    /** The whole digest advanced as chunks arrive; null once complete, or when the chunk checks prove the whole. */
    WholeDigest wholeDigest() {
        return wholeDigest;
    }

    /** The region of the data file holding chunk {@code index}, which must be held. */
    public ChunkRegion chunkRegion(int index) {
        if (!held.has(index)) {
            manifest.chunkOffset(index); // throws for an index outside the artifact
            throw new ChunkNotHeldException(manifest.digest(), index,
                    "chunk " + index + " of " + manifest.digest().shortForm() + " is not held here");
        }
        return new ChunkRegion(dataFile(), manifest.chunkOffset(index), manifest.chunkLength(index));
    }

    /** The region of a complete artifact's content from {@code offset}, {@code length} bytes long. */
    public ChunkRegion contentRegion(long offset, long length) {
        if (!complete) {
            throw new ChunkNotHeldException(manifest.digest(), -1,
                    "artifact " + manifest.digest().shortForm() + " is not completely held here");
        }
        return new ChunkRegion(dataFile(), offset, length);
    }
}
