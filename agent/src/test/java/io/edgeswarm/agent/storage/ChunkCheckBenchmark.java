package io.edgeswarm.agent.storage;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The download path's hashing: 64 MiB arriving as 1 MiB chunks in direct buffers (as from Netty), checked along the
 * manifest's chunk states (one pass) against each chunk's own SHA-256 plus the whole digest in order (two passes,
 * the fallback at its best). Run with bench/jmh.sh ChunkCheck.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/sun.security.provider=ALL-UNNAMED")
public class ChunkCheckBenchmark {

    static final int TOTAL = 64 * 1024 * 1024;
    static final int CHUNK = 1024 * 1024;

    private ByteBuffer[] chunks;
    private ChunkCheck chained;
    private ChunkCheck separate;

    @Setup
    public void fill() {
        byte[] content = new byte[TOTAL];
        new SplittableRandom(1).nextBytes(content);
        ChunkingHasher hasher = new ChunkingHasher(CHUNK);
        hasher.update(ByteBuffer.wrap(content));
        Manifest manifest = hasher.finish("bench");
        if (!manifest.hasChunkStates()) {
            throw new IllegalStateException(ResumableSha256.unavailableReason());
        }
        chunks = new ByteBuffer[TOTAL / CHUNK];
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] = ByteBuffer.allocateDirect(CHUNK).put(content, i * CHUNK, CHUNK).flip();
        }
        chained = ChunkCheck.of(manifest);
        separate = ChunkCheck.of(manifest.withoutChunkStates());
    }

    @Benchmark
    public int alongChunkStates64MiB() {
        for (int i = 0; i < chunks.length; i++) {
            chained.verify(i, chunks[i]);
        }
        return chunks.length;
    }

    @Benchmark
    public byte[] chunkDigestsAndWholeDigest64MiB() {
        MessageDigest whole = ChunkingHasher.sha256();
        for (int i = 0; i < chunks.length; i++) {
            separate.verify(i, chunks[i]);
            whole.update(chunks[i].duplicate());
        }
        return whole.digest();
    }
}
