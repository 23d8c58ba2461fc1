package io.edgeswarm.agent.storage;

/** Bytes offered for a chunk whose SHA-256 does not match the manifest; they were not stored. */
public class ChunkVerificationException extends RuntimeException {

    private final Digest artifact;
    private final int index;

    public ChunkVerificationException(Digest artifact, int index, Digest expected, Digest actual) {
        super("chunk " + index + " of " + artifact.shortForm() + " hashes to " + actual.shortForm() + ", manifest says "
                + expected.shortForm());
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
