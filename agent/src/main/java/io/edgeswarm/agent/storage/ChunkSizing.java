package io.edgeswarm.agent.storage;

import io.edgeswarm.agent.config.EdgeswarmProperties;

/**
 * The chunk size of a new artifact: {@code size} for every artifact, or, when {@code automatic}, about
 * {@link #TARGET_CHUNKS} chunks per artifact as BitTorrent clients size pieces, a power of two between
 * {@link #MIN_AUTO} and {@code size}. Small chunks let peers pass a chunk on sooner at the start and end of a swarm
 * transfer; large ones keep per-chunk costs (a request, a hash, a bitfield write) down, and {@code size} bounds the
 * memory a download holds in flight. A publish whose length is not announced (no Content-Length) gets {@code size}. A
 * publish may also ask for a chunk size of its own, from {@link #MIN_REQUESTED} up to {@code size}.
 */
public record ChunkSizing(boolean automatic, int size) {

    static final int TARGET_CHUNKS = 1024;
    /**
     * A chunk is passed on only once it has all arrived, so the last chunks the origin sends reach the last peers a
     * few chunk times after the origin is done: at 512 KiB instead of 1 MiB a 256 MiB artifact reached 8 hosts in
     * 1.15x the bound instead of 1.17-1.19x, and 16 hosts in 1.50x instead of 1.64x (docs/benchmarks.md).
     */
    static final int MIN_AUTO = 512 * 1024;
    /** The smallest chunk a publish may ask for: the smallest {@code edgeswarm.transfer.chunk-size} allows. */
    public static final int MIN_REQUESTED = (int) EdgeswarmProperties.Transfer.MIN_CHUNK_SIZE;

    public ChunkSizing {
        if (size <= 0) {
            throw new IllegalArgumentException("chunk size must be positive, got " + size);
        }
    }

    /** About 1024 chunks per artifact, of at most {@code maxSize}. */
    public static ChunkSizing auto(int maxSize) {
        return new ChunkSizing(true, maxSize);
    }

    public static ChunkSizing fixed(int size) {
        return new ChunkSizing(false, size);
    }

    /** @param expectedSize the artifact's size in bytes, or a negative number when it is not known */
    public int forArtifact(long expectedSize) {
        if (!automatic || expectedSize < 0) {
            return size;
        }
        long wanted = Math.max(1, (expectedSize + TARGET_CHUNKS - 1) / TARGET_CHUNKS);
        long powerOfTwo = Long.highestOneBit(wanted) == wanted ? wanted : Long.highestOneBit(wanted) << 1;
        return (int) Math.min(size, Math.max(Math.min(MIN_AUTO, size), powerOfTwo));
    }

    /**
     * A chunk size a publish asked for. {@code size} stays the upper bound, as it bounds what a download holds in
     * flight.
     *
     * @throws InvalidInputException when {@code requested} is not between {@link #MIN_REQUESTED} and {@code size}
     */
    public int forRequest(long requested) {
        int smallest = Math.min(MIN_REQUESTED, size);
        if (requested < smallest || requested > size) {
            throw new InvalidInputException("chunkSize must be between " + smallest + " and " + size
                    + " bytes on this agent, got " + requested);
        }
        return (int) requested;
    }
}
