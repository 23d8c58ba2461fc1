package io.edgeswarm.agent.storage;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * What an artifact is: its digest, the name it was published under, its size, chunk size and the SHA-256 of every
 * chunk. Immutable; the last chunk may be shorter, and a zero-byte artifact has no chunks at all. A publisher may
 * sign it ({@link #signedContent()}); the signature travels with the manifest.
 *
 * <p>{@code chunkStates}, when present, lists the SHA-256 state of the whole content where each chunk after the first
 * begins (see {@link ResumableSha256}): chunk {@code i} hashed on from state {@code i - 1} must reach state {@code i},
 * and the last chunk must reach the artifact's digest. A downloader can then check each chunk and the whole in one
 * pass. Absent (null) from publishers that cannot read SHA-256 states; requires a chunk size that is a multiple of
 * {@value ResumableSha256#BLOCK}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(Digest digest, String name, long size, int chunkSize, List<Digest> chunks,
        List<String> chunkStates, ManifestSignature signature) {

    /** First line of the signed form; a new form gets a new version so old signatures can never be misread. */
    public static final String SIGNED_FORM_VERSION = "edgeswarm-manifest-v1";
    /** The signed form of a manifest with chunk states: the first version's lines, then one per state. */
    public static final String SIGNED_FORM_WITH_STATES = "edgeswarm-manifest-v2";

    public Manifest(Digest digest, String name, long size, int chunkSize, List<Digest> chunks) {
        this(digest, name, size, chunkSize, chunks, null, null);
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
        if (chunkStates != null) {
            chunkStates = List.copyOf(chunkStates);
            checkChunkStates(chunkStates, chunkSize, chunks.size());
        }
    }

    private static void checkChunkStates(List<String> states, int chunkSize, int chunkCount) {
        if (chunkSize % ResumableSha256.BLOCK != 0) {
            throw new InvalidInputException("chunk states need a chunk size that is a multiple of "
                    + ResumableSha256.BLOCK + ", not " + chunkSize);
        }
        int expected = Math.max(0, chunkCount - 1);
        if (states.size() != expected) {
            throw new InvalidInputException("a manifest of " + chunkCount + " chunks must list " + expected
                    + " chunk states, lists " + states.size());
        }
        for (String state : states) {
            if (!Digest.isHex64(state)) {
                throw new InvalidInputException("a chunk state must be 64 lowercase hex characters, got '"
                        + Digest.abbreviate(state) + "'");
            }
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
        return new Manifest(digest, name, size, chunkSize, chunks, chunkStates, signature);
    }

    /** The same manifest without chunk states, as a publisher that cannot read SHA-256 states makes it. */
    public Manifest withoutChunkStates() {
        return new Manifest(digest, name, size, chunkSize, chunks, null, signature);
    }

    /** Whether chunk states are listed, so chunks can be checked against them (see {@link ResumableSha256}). */
    public boolean hasChunkStates() {
        return chunkStates != null;
    }

    /** The SHA-256 state of the whole content where chunk {@code index} (at least 1) begins. */
    public byte[] stateBefore(int index) {
        checkIndex(index);
        if (chunkStates == null || index == 0) {
            throw new IllegalStateException("no listed state before chunk " + index);
        }
        return HexFormat.of().parseHex(chunkStates.get(index - 1));
    }

    /**
     * The exact bytes a publisher signs: one field per line in a fixed order, every chunk digest (and chunk state,
     * when listed) included, so no JSON formatting choice can change what a signature covers, and neither adding nor
     * removing the states leaves a signature valid. The README documents this form for offline signers.
     */
    @JsonIgnore
    public byte[] signedContent() {
        StringBuilder form = new StringBuilder(128 + chunks.size() * 160);
        form.append(chunkStates == null ? SIGNED_FORM_VERSION : SIGNED_FORM_WITH_STATES).append('\n')
                .append("digest ").append(digest).append('\n')
                .append("name ").append(name).append('\n')
                .append("size ").append(size).append('\n')
                .append("chunk-size ").append(chunkSize).append('\n');
        for (Digest chunk : chunks) {
            form.append("chunk ").append(chunk).append('\n');
        }
        if (chunkStates != null) {
            for (String state : chunkStates) {
                form.append("chunk-state ").append(state).append('\n');
            }
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
