package io.edgeswarm.agent.storage;

/**
 * The chunk size of a new artifact. A fixed size when one is configured; otherwise about {@link #TARGET_CHUNKS}
 * chunks per artifact, as BitTorrent clients size pieces: small chunks let peers pass a chunk on sooner at the start
 * and end of a transfer, and large ones keep per-chunk costs (a request, a hash, a bitfield write) down. The size is
 * a power of two between {@link #MIN_AUTO} and {@link #MAX_AUTO}; the upper bound also bounds the memory a download
 * holds in flight. A publish whose size is not known in advance (no Content-Length) gets {@link #MAX_AUTO}.
 */
public record ChunkSizing(int fixedSize) {

    static final int TARGET_CHUNKS = 1024;
    static final int MIN_AUTO = 1024 * 1024;
    static final int MAX_AUTO = 4 * 1024 * 1024;

    /** Sizes chosen per artifact. */
    public static ChunkSizing auto() {
        return new ChunkSizing(0);
    }

    public static ChunkSizing fixed(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("chunk size must be positive, got " + size);
        }
        return new ChunkSizing(size);
    }

    /** @param expectedSize the artifact's size in bytes, or a negative number when it is not known */
    public int forArtifact(long expectedSize) {
        if (fixedSize > 0) {
            return fixedSize;
        }
        if (expectedSize < 0) {
            return MAX_AUTO;
        }
        long wanted = Math.max(1, (expectedSize + TARGET_CHUNKS - 1) / TARGET_CHUNKS);
        long powerOfTwo = Long.highestOneBit(wanted) == wanted ? wanted : Long.highestOneBit(wanted) << 1;
        return (int) Math.min(MAX_AUTO, Math.max(MIN_AUTO, powerOfTwo));
    }
}
