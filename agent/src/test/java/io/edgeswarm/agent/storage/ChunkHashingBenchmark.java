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
 * The publish path's hashing: 64 MiB through {@link ChunkingHasher} (per-chunk and whole-content SHA-256 with chunk
 * states, 1 MiB blocks, 4 MiB chunks) against one plain SHA-256 pass, the floor. Run with bench/jmh.sh ChunkHashing.
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

    private byte[] block;

    @Setup
    public void fill() {
        block = new byte[BLOCK];
        new SplittableRandom(1).nextBytes(block);
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
}
