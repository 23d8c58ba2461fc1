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
 * Hashing on both paths, 64 MiB each. Publish: {@link ChunkingHasher} (per-chunk and whole-content SHA-256 with chunk
 * states, 1 MiB blocks, 4 MiB chunks) against one plain SHA-256 pass, the floor. Download: 1 MiB chunks in direct
 * buffers (as from Netty) checked along the manifest's chunk states (one pass) against each chunk's own SHA-256 plus
 * the whole digest in order (two passes, the fallback at its best). Run with bench/jmh.sh ChunkHashing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/sun.security.provider=ALL-UNNAMED")
public class ChunkHashingBenchmark {

    static final int TOTAL = 64 * 1024 * 1024;
    static final int BLOCK = 1024 * 1024;
    static final int CHUNK = 4 * 1024 * 1024;
    static final int RECEIVED_CHUNK = 1024 * 1024;

    private byte[] block;
    private ByteBuffer[] received;
    private ChunkCheck chained;
    private ChunkCheck separate;

    @Setup
    public void fill() {
        block = new byte[BLOCK];
        new SplittableRandom(1).nextBytes(block);
        byte[] content = new byte[TOTAL];
        new SplittableRandom(2).nextBytes(content);
        ChunkingHasher hasher = new ChunkingHasher(RECEIVED_CHUNK);
        hasher.update(ByteBuffer.wrap(content));
        Manifest manifest = hasher.finish("bench");
        if (!manifest.hasChunkStates()) {
            throw new IllegalStateException(ResumableSha256.unavailableReason());
        }
        received = new ByteBuffer[TOTAL / RECEIVED_CHUNK];
        for (int i = 0; i < received.length; i++) {
            received[i] = ByteBuffer.allocateDirect(RECEIVED_CHUNK).put(content, i * RECEIVED_CHUNK, RECEIVED_CHUNK)
                    .flip();
        }
        chained = ChunkCheck.of(manifest);
        separate = ChunkCheck.of(manifest.withoutChunkStates());
    }

    @Benchmark
    public Manifest chunkingHasher64MiB() {
        ChunkingHasher hasher = new ChunkingHasher(CHUNK);
        for (int done = 0; done < TOTAL; done += BLOCK) {
            hasher.update(ByteBuffer.wrap(block));
        }
        return hasher.finish("bench");
    }

    @Benchmark
    public byte[] plainSha256Of64MiB() throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (int done = 0; done < TOTAL; done += BLOCK) {
            sha.update(block);
        }
        return sha.digest();
    }

    @Benchmark
    public int receivedAlongChunkStates64MiB() {
        for (int i = 0; i < received.length; i++) {
            chained.verify(i, received[i]);
        }
        return received.length;
    }

    @Benchmark
    public byte[] receivedChunkDigestsAndWholeDigest64MiB() {
        MessageDigest whole = ChunkingHasher.sha256();
        for (int i = 0; i < received.length; i++) {
            separate.verify(i, received[i]);
            whole.update(received[i].duplicate());
        }
        return whole.digest();
    }
}
