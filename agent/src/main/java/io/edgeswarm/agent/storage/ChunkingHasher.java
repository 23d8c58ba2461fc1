package io.edgeswarm.agent.storage;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Hashes a byte stream once per chunk and once as a whole while it flows by, so a publish of any size is hashed in
 * constant memory. Where the runtime allows ({@link ResumableSha256}) and the chunk size is a whole number of SHA-256
 * blocks, the whole hash also yields the state where each chunk begins, which the manifest lists as chunk states.
 * Not thread-safe: one instance per stream, fed in order.
 */
public final class ChunkingHasher {

    private final int chunkSize;
    /** The whole content's hash with readable states, or null where states cannot be read. */
    private final ResumableSha256 wholeWithStates;
    private final MessageDigest whole;
    private final MessageDigest chunk = sha256();
    private final List<Digest> chunkDigests = new ArrayList<>();
    private final List<String> chunkStates;
    private long size;
    private int inChunk;

    public ChunkingHasher(int chunkSize) {
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunk size must be positive");
        }
        this.chunkSize = chunkSize;
        boolean states = ResumableSha256.available() && chunkSize % ResumableSha256.BLOCK == 0;
        this.wholeWithStates = states ? ResumableSha256.start() : null;
        this.whole = states ? null : sha256();
        this.chunkStates = states ? new ArrayList<>() : null;
    }

    /** Consumes the remaining bytes of {@code buffer}, leaving its position at its limit. */
    public void update(ByteBuffer buffer) {
        while (buffer.hasRemaining()) {
            if (chunkStates != null && inChunk == 0 && size > 0) {
                chunkStates.add(HexFormat.of().formatHex(wholeWithStates.state())); // where this chunk begins
            }
            int take = Math.min(buffer.remaining(), chunkSize - inChunk);
            ByteBuffer slice = buffer.slice(buffer.position(), take);
            if (wholeWithStates != null) {
                wholeWithStates.update(slice.duplicate());
            } else {
                whole.update(slice.duplicate());
            }
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
        if (chunkStates == null) {
            return new Manifest(Digest.of(whole.digest()), name, size, chunkSize, chunkDigests);
        }
        return new Manifest(Digest.of(wholeWithStates.digest()), name, size, chunkSize, chunkDigests, chunkStates,
                null);
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
