package io.edgeswarm.agent.storage;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * What an artifact is: its digest, the name it was published under, its size, chunk size and the SHA-256 of every
 * chunk. Immutable; the last chunk may be shorter, and a zero-byte artifact has no chunks at all. A publisher may
 * sign it ({@link #signedContent()}); the signature travels with the manifest.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(Digest digest, String name, long size, int chunkSize, List<Digest> chunks,
        ManifestSignature signature) {

    /** First line of the signed form; a new form gets a new version so old signatures can never be misread. */
    public static final String SIGNED_FORM_VERSION = "edgeswarm-manifest-v1";

    public Manifest(Digest digest, String name, long size, int chunkSize, List<Digest> chunks) {
        this(digest, name, size, chunkSize, chunks, null);
    }

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

    /** The same manifest carrying {@code signature}. */
    public Manifest withSignature(ManifestSignature signature) {
        return new Manifest(digest, name, size, chunkSize, chunks, signature);
    }

    /**
     * The exact bytes a publisher signs: one field per line in a fixed order, every chunk digest included, so no
     * JSON formatting choice can change what a signature covers. The README documents this form for offline signers.
     */
    @JsonIgnore
    public byte[] signedContent() {
        StringBuilder form = new StringBuilder(128 + chunks.size() * 80);
        form.append(SIGNED_FORM_VERSION).append('\n')
                .append("digest ").append(digest).append('\n')
                .append("name ").append(name).append('\n')
                .append("size ").append(size).append('\n')
                .append("chunk-size ").append(chunkSize).append('\n');
        for (Digest chunk : chunks) {
            form.append("chunk ").append(chunk).append('\n');
        }
        return form.toString().getBytes(StandardCharsets.UTF_8);
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
