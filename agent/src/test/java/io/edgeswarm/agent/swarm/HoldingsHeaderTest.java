package io.edgeswarm.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgeswarm.agent.storage.Bitfield;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

class HoldingsHeaderTest {

    @Test
    void aBitfieldSurvivesTheRoundTrip() {
        Bitfield held = new Bitfield(1000);
        held.set(0);
        held.set(517);
        held.set(999);

        BitSet decoded = HoldingsHeader.decode(HoldingsHeader.encode(held).orElseThrow());

        assertThat(decoded).isEqualTo(held.snapshot());
    }

    @Test
    void bitfieldsTooLargeForAHeaderAreNotSent() {
        Bitfield small = Bitfield.full(HoldingsHeader.MAX_BYTES * 8);
        Bitfield large = Bitfield.full(HoldingsHeader.MAX_BYTES * 8 + 1);

        assertThat(HoldingsHeader.encode(small)).isPresent();
        assertThat(HoldingsHeader.encode(large)).isEmpty();
    }

    @Test
    void missingOrMalformedHeadersMeanNoBitfield() {
        assertThat(HoldingsHeader.decode(null)).isNull();
        assertThat(HoldingsHeader.decode("not base64!")).isNull();
        assertThat(HoldingsHeader.decode("A".repeat(4 * HoldingsHeader.MAX_BYTES))).isNull();
    }

    @Test
    void onlyAWellFormedEmptyBitfieldNamesNoChunk() {
        Bitfield none = new Bitfield(1000);
        Bitfield one = new Bitfield(1000);
        one.set(517);

        assertThat(HoldingsHeader.namesNoChunk(HoldingsHeader.encode(none).orElseThrow())).isTrue();
        assertThat(HoldingsHeader.namesNoChunk(HoldingsHeader.encode(one).orElseThrow())).isFalse();
        // Unknown is not empty-handed: a downloader that sends no bitfield gets no place ahead.
        assertThat(HoldingsHeader.namesNoChunk(null)).isFalse();
        assertThat(HoldingsHeader.namesNoChunk("not base64!")).isFalse();
    }
}
