package io.edgeswarm.agent.storage;

/** A chunk that does not exist in the artifact or that this agent does not hold (yet); an HTTP 404. */
public class ChunkNotHeldException extends RuntimeException {

    private final Digest digest;
    private final int index;

    public ChunkNotHeldException(Digest digest, int index, String message) {
        super(message);
        this.digest = digest;
        this.index = index;
    }

    public Digest digest() {
        return digest;
    }

    public int index() {
        return index;
    }
}
