package io.edgeswarm.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Incremental holder counts (and the chunks with a single holder) always equal a full recount of the bitfields. */
class AvailabilityTest {

    @Test
    void incrementalUpdatesMatchARecountAfterEveryChange() {
        int chunks = 500;
        SplittableRandom random = new SplittableRandom(11);
        List<BitSet> bitfields = new ArrayList<>();
        for (int p = 0; p < 20; p++) {
            bitfields.add(randomBits(random, chunks, 0.5));
        }
        Availability availability = new Availability();
        availability.reset(chunks, bitfields);

        for (int step = 0; step < 2_000; step++) {
            int peer = random.nextInt(bitfields.size());
            BitSet before = bitfields.get(peer);
            BitSet after = switch (random.nextInt(3)) {
                case 0 -> new BitSet(); // banned or gone
                case 1 -> randomBits(random, chunks, 0.9); // a fresh bitfield
                default -> grow(before, random.nextInt(chunks)); // one more chunk
            };
            BitSet beforeCopy = (BitSet) before.clone();
            BitSet afterCopy = (BitSet) after.clone();
            availability.replace(before, after);
            bitfields.set(peer, after);
            assertThat(before).as("replace must not modify its arguments").isEqualTo(beforeCopy);
            assertThat(after).isEqualTo(afterCopy);
        }

        for (int c = 0; c < chunks; c++) {
            int holders = PiecePicker.countHolders(bitfields, c);
            assertThat(availability.holders(c)).as("chunk " + c).isEqualTo(holders);
            assertThat(availability.soleHolder().get(c)).as("chunk " + c + " sole").isEqualTo(holders == 1);
        }
    }

    @Test
    void bitsBeyondTheArtifactAreIgnored() {
        Availability availability = new Availability();
        availability.reset(4, List.of());
        BitSet oversized = new BitSet();
        oversized.set(2);
        oversized.set(10);

        availability.replace(new BitSet(), oversized);

        assertThat(availability.holders(2)).isEqualTo(1);
        assertThat(availability.holders(3)).isZero();
    }

    private static BitSet randomBits(SplittableRandom random, int chunks, double share) {
        BitSet bits = new BitSet(chunks);
        for (int c = 0; c < chunks; c++) {
            if (random.nextDouble() < share) {
                bits.set(c);
            }
        }
        return bits;
    }

    private static BitSet grow(BitSet before, int chunk) {
        BitSet after = (BitSet) before.clone();
        after.set(chunk);
        return after;
    }
}
