package io.edgeswarm.agent.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * The SHA-256 of a partial artifact's whole content, advanced in chunk order while chunks are stored, so the check
 * against the artifact's digest at completion hashes only what is left rather than the whole file again: for a
 * 50 GiB artifact that is a minute of reading and hashing saved at the very end of its download.
 *
 * <p>A chunk stored right at the end of the hashed prefix is hashed from the buffers it arrived in. A chunk stored
 * beyond it waits until the gap before it fills, and is then read back from the data file (usually still in the page
 * cache); such a catch-up reads at most {@link #MAX_CATCH_UP_CHUNKS} chunks per stored chunk, so no single store waits
 * long behind it, and {@link #finish} reads whatever is left. Not persisted: after a restart the prefix starts again
 * from the file. Thread-safe.
 */
final class WholeDigest {

    /** Chunks read back per stored chunk at most; the rest waits for later stores or {@link #finish}. */
    static final int MAX_CATCH_UP_CHUNKS = 16;
    private static final int READ_BUFFER = 1 << 20;

    private final Manifest manifest;
    private MessageDigest hasher = ChunkingHasher.sha256();
    /** Chunks [0, next) are hashed. */
    private int next;

    WholeDigest(Manifest manifest) {
        this.manifest = manifest;
    }

    /**
     * Chunk {@code index}, just verified and stored (and set in {@code held}), is {@code parts}; hashes it if the
     * prefix has reached it, then any held chunks after it from {@code dataFile}.
     */
    synchronized void stored(int index, ByteBuffer[] parts, Bitfield held, Path dataFile) throws IOException {
        if (index == next) {
            for (ByteBuffer part : parts) {
                hasher.update(part.duplicate());
            }
            next++;
        }
        int end = next;
        while (end < manifest.chunkCount() && end - next < MAX_CATCH_UP_CHUNKS && held.has(end)) {
            end++;
        }
        try {
            hashFromFile(dataFile, next, end); // the run of held chunks in one read, not one open per chunk
            next = end;
        } catch (IOException | RuntimeException e) {
            restart(); // part of a chunk may have gone into the hasher
            throw e;
        }
    }

    /**
     * The whole content's digest, once every chunk is held: hashes what the prefix has not reached yet from
     * {@code dataFile}. Starts over from the file on the next call, so a check that failed midway can be retried.
     */
    synchronized Digest finish(Path dataFile) throws IOException {
        try {
            hashFromFile(dataFile, next, manifest.chunkCount());
            return Digest.of(hasher.digest());
        } finally {
            restart();
        }
    }

    private void restart() {
        hasher = ChunkingHasher.sha256();
        next = 0;
    }

    /** Chunks hashed in order so far. */
    synchronized int hashedChunks() {
        return next;
    }

    private void hashFromFile(Path dataFile, int fromChunk, int toChunk) throws IOException {
        if (fromChunk >= toChunk) {
            return;
        }
        long position = manifest.chunkOffset(fromChunk);
        long end = toChunk == manifest.chunkCount() ? manifest.size() : manifest.chunkOffset(toChunk);
        try (FileChannel channel = FileChannel.open(dataFile, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(READ_BUFFER, end - position));
            while (position < end) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
                int read = channel.read(buffer, position);
                if (read < 0) {
                    throw new IOException(dataFile + " ends at " + position + " of " + end + " bytes");
                }
                position += read;
                buffer.flip();
                hasher.update(buffer);
            }
        }
    }
}
