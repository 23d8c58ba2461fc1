package io.edgeswarm.agent.swarm;

import java.util.BitSet;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The scheduler's hot path at scale: 10,000 chunks, 1,000 peers each holding a random share, half the artifact
 * held here. {@code pick} is one {@link PiecePicker#next} call for one peer (the download makes one per free request
 * slot); {@code availability} recounts holders per chunk from every bitfield (what the download did on every
 * bitfield change before {@link Availability}); {@code incrementalUpdate} is what it does now (two updates).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PiecePickerBenchmark {

    @Param("10000")
    int chunks;
    @Param("1000")
    int peers;
    /** Share of chunks each peer holds. */
    @Param({"0.1", "0.9"})
    double peerShare;

    private BitSet held;
    private BitSet[] peerHas;
    private int[] availability;
    private PiecePicker picker;
    private PiecePicker.View view;
    private int next;
    private final Availability incremental = new Availability();

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(7);
        held = new BitSet(chunks);
        for (int c = 0; c < chunks; c++) {
            if (random.nextInt(2) == 0) {
                held.set(c);
            }
        }
        peerHas = new BitSet[peers];
        for (int p = 0; p < peers; p++) {
            peerHas[p] = new BitSet(chunks);
            for (int c = 0; c < chunks; c++) {
                if (random.nextDouble() < peerShare) {
                    peerHas[p].set(c);
                }
            }
        }
        availability = new int[chunks];
        recount();
        incremental.reset(chunks, java.util.Arrays.asList(peerHas));
        picker = new PiecePicker(new SplittableRandom(3));
        view = new PiecePicker.View() {
            @Override
            public int chunkCount() {
                return chunks;
            }

            @Override
            public boolean held(int chunk) {
                return held.get(chunk);
            }

            @Override
            public int requested(int chunk) {
                return 0;
            }

            @Override
            public boolean requestedFrom(int chunk, String peer) {
                return false;
            }

            @Override
            public int holders(int chunk) {
                return availability[chunk];
            }

            @Override
            public int heldCount() {
                return held.cardinality();
            }

            @Override
            public int firstMissing() {
                return Math.min(chunks, held.nextClearBit(0));
            }
        };
    }

    @Benchmark
    public int pick() {
        next = (next + 1) % peers;
        // Rarest first is what costs: the frontier check before it is one bit lookup, and with nothing ever requested
        // here it would answer every pick by itself.
        return picker.next(view, "p" + next, peerHas[next], null, false);
    }

    @Benchmark
    public int[] availability() {
        return recount();
    }

    /** What the download does instead of a recount: one peer's bitfield gained 10 chunks. */
    @Benchmark
    public int incrementalUpdate() {
        next = (next + 1) % peers;
        BitSet before = peerHas[next];
        BitSet after = (BitSet) before.clone();
        for (int i = 0; i < 10; i++) {
            after.set((next * 31 + i * 997) % chunks);
        }
        incremental.replace(before, after);
        incremental.replace(after, before); // back, so the state stays as set up
        return incremental.holders(next % chunks);
    }

    private int[] recount() {
        java.util.Arrays.fill(availability, 0);
        for (BitSet has : peerHas) {
            for (int c = has.nextSetBit(0); c >= 0; c = has.nextSetBit(c + 1)) {
                availability[c]++;
            }
        }
        return availability;
    }
}
