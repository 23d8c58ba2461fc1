package io.edgeswarm.agent.storage;

import java.util.List;
import java.util.Objects;

/**
 * What an artifact is: its digest, the name it was published under, its size, chunk size and the SHA-256 of every
 * chunk. Immutable; the last chunk may be shorter, and a zero-byte artifact has no chunks at all.
 */
public record Manifest(Digest digest, String name, long size, int chunkSize, List<Digest> chunks) {

    public Manifest {
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(name, "name");
        new ArtifactName(name);
        if (size < 0) {
            throw new InvalidInputException("size must not be negative");
        }
        if (chunkSize <= 0) {
            throw new InvalidInputException("chunk size must be positive");
        }
        chunks = List.copyOf(chunks);
        if (chunks.size() != expectedChunkCount(size, chunkSize)) {
            throw new InvalidInputException("manifest of " + size + " bytes in chunks of " + chunkSize
                    + " must list " + expectedChunkCount(size, chunkSize) + " chunks, lists " + chunks.size());
        }
    }

    public static int expectedChunkCount(long size, int chunkSize) {
        long count = (size + chunkSize - 1) / chunkSize;
        if (count > Integer.MAX_VALUE) {
            throw new InvalidInputException("too many chunks: " + count);
        }
        return (int) count;
    }

    public int chunkCount() {
        return chunks.size();
    }

    public long chunkOffset(int index) {
        checkIndex(index);
        return (long) index * chunkSize;
    }

    public int chunkLength(int index) {
        checkIndex(index);
        return (int) Math.min(chunkSize, size - chunkOffset(index));
    }

    public Digest chunkDigest(int index) {
        checkIndex(index);
        return chunks.get(index);
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= chunks.size()) {
            throw new ChunkNotHeldException(digest, index, "chunk index " + index + " is outside 0.."
                    + (chunks.size() - 1) + " of " + digest.shortForm());
        }
    }
}
