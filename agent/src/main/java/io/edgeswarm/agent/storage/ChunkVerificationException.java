package io.edgeswarm.agent.storage;

/** Bytes offered for a chunk that do not check out against the manifest; they were not stored. */
public class ChunkVerificationException extends RuntimeException {

    private final Digest artifact;
    private final int index;

    public ChunkVerificationException(Digest artifact, int index, Digest expected, Digest actual) {
        this(artifact, index, "chunk " + index + " of " + artifact.shortForm() + " hashes to " + actual.shortForm()
                + ", manifest says " + expected.shortForm());
    }

    public ChunkVerificationException(Digest artifact, int index, String message) {
        super(message);
        this.artifact = artifact;
        this.index = index;
    }

    public Digest artifact() {
        return artifact;
    }

    public int index() {
        return index;
    }
}
