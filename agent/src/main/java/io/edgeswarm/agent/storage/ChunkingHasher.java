package io.edgeswarm.agent.storage;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Hashes a byte stream once per chunk and once as a whole while it flows by, so a publish of any size is hashed in
 * constant memory. Not thread-safe: one instance per stream, fed in order.
 */
public final class ChunkingHasher {

    private final int chunkSize;
    private final MessageDigest whole = sha256();
    private final MessageDigest chunk = sha256();
    private final List<Digest> chunkDigests = new ArrayList<>();
    private long size;
    private int inChunk;

    public ChunkingHasher(int chunkSize) {
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunk size must be positive");
        }
        this.chunkSize = chunkSize;
    }

    /** Consumes the remaining bytes of {@code buffer}, leaving its position at its limit. */
    public void update(ByteBuffer buffer) {
        while (buffer.hasRemaining()) {
            int take = Math.min(buffer.remaining(), chunkSize - inChunk);
            ByteBuffer slice = buffer.slice(buffer.position(), take);
            whole.update(slice.duplicate());
            chunk.update(slice);
            buffer.position(buffer.position() + take);
            inChunk += take;
            size += take;
            if (inChunk == chunkSize) {
                closeChunk();
            }
        }
    }

    public long size() {
        return size;
    }

    /** Closes the last, possibly short, chunk and returns the manifest of everything fed. */
    public Manifest finish(String name) {
        if (inChunk > 0) {
            closeChunk();
        }
        return new Manifest(Digest.of(whole.digest()), name, size, chunkSize, chunkDigests);
    }

    private void closeChunk() {
        chunkDigests.add(Digest.of(chunk.digest()));
        inChunk = 0;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
