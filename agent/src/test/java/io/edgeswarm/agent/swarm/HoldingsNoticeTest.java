package io.edgeswarm.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgeswarm.agent.membership.MessageCodec;
import io.edgeswarm.agent.storage.Digest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HoldingsNoticeTest {

    private static final Digest DIGEST = Digest.of(new byte[] {
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
            17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, (byte) 0xFF});

    @Test
    void aNoticeNamesTheArtifactAndItsChunks() {
        BitSet chunks = new BitSet();
        chunks.set(0);
        chunks.set(7);
        chunks.set(12_799);

        HoldingsNotice.Held held = HoldingsNotice.decode(HoldingsNotice.encode(DIGEST, chunks, 3)).orElseThrow();

        assertThat(held.digest()).isEqualTo(DIGEST);
        assertThat(held.chunks()).isEqualTo(chunks);
        assertThat(held.uploads()).isEqualTo(3);
    }

    @Test
    void oneNoticeNamesTheLowestChunksUpToItsBoundAndFitsAGossipNotice() {
        BitSet chunks = new BitSet();
        chunks.set(0, 1_000);

        byte[] body = HoldingsNotice.encode(DIGEST, chunks, 3);
        BitSet named = HoldingsNotice.decode(body).orElseThrow().chunks();

        assertThat(named.cardinality()).isEqualTo(HoldingsNotice.MAX_CHUNKS);
        assertThat(named.nextSetBit(0)).isZero();
        assertThat(named.previousSetBit(Integer.MAX_VALUE - 1)).isEqualTo(HoldingsNotice.MAX_CHUNKS - 1);
        assertThat(body.length).isLessThanOrEqualTo(MessageCodec.MAX_NOTICE_BYTES);
    }

    @Test
    void whatIsNotANoticeOfThisVersionIsIgnored() {
        BitSet two = new BitSet();
        two.set(3);
        two.set(4);
        byte[] valid = HoldingsNotice.encode(DIGEST, two, 3);

        byte[] otherVersion = valid.clone();
        otherVersion[0] = 2;
        byte[] countTooHigh = valid.clone();
        countTooHigh[35] = 0;
        countTooHigh[36] = 3;
        byte[] negativeChunk = ByteBuffer.wrap(valid.clone()).putInt(37, -1).array();
        byte[] trailing = Arrays.copyOf(valid, valid.length + 1);

        assertThat(HoldingsNotice.decode(otherVersion)).isEmpty();
        assertThat(HoldingsNotice.decode(countTooHigh)).isEmpty();
        assertThat(HoldingsNotice.decode(negativeChunk)).isEmpty();
        assertThat(HoldingsNotice.decode(trailing)).isEmpty();
        assertThat(HoldingsNotice.decode(new byte[0])).isEmpty();
        for (int length = 1; length < valid.length; length++) {
            assertThat(HoldingsNotice.decode(Arrays.copyOf(valid, length))).as("cut to %d bytes", length).isEmpty();
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            byte[] noise = new byte[random.nextInt(600)];
            random.nextBytes(noise);
            HoldingsNotice.decode(noise); // only ever a value or empty
        }
    }

    @Test
    void peersThatMayLackTheChunksAreToldThoseKnownFetchingFirstWithinTheBudget() {
        List<Download.PeerState> zone = zone(6);
        zone.get(0).has.set(0, 4);          // holds all 4 chunks: nothing to tell it
        zone.get(1).bannedUntil = 60_000;
        zone.get(4).present = true;         // known to fetch the artifact
        zone.get(5).present = true;

        BitSet stored = BitSet.valueOf(new long[] {0b0100});

        List<String> told = HoldingsNotice.recipients(zone, stored, 5_000, 3);

        assertThat(told).hasSize(3).doesNotContain("h0", "h1");
        assertThat(told.subList(0, 2)).containsExactlyInAnyOrder("h4", "h5");
        assertThat(HoldingsNotice.recipients(zone, stored, 5_000, 16))
                .containsExactlyInAnyOrder("h2", "h3", "h4", "h5");
    }

    @Test
    void aPeerKnownToHoldEveryChunkNamedIsNotTold() {
        List<Download.PeerState> zone = zone(4);
        zone.get(1).has.set(2);             // holds chunk 2 but not chunk 1
        zone.get(2).has.set(1);             // holds chunk 1 but not chunk 2
        zone.get(3).has.set(0, 3);          // holds chunks 0 to 2

        assertThat(HoldingsNotice.recipients(zone, BitSet.valueOf(new long[] {0b0100}), 5_000, 16))
                .containsExactlyInAnyOrder("h0", "h2");
        assertThat(HoldingsNotice.recipients(zone, BitSet.valueOf(new long[] {0b0110}), 5_000, 16))
                .containsExactlyInAnyOrder("h0", "h1", "h2");
    }

    private static List<Download.PeerState> zone(int size) {
        List<Download.PeerState> states = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            states.add(new Download.PeerState(new Peer("h" + i, "http://127.0.0.1:" + (10_000 + i), "zone-a", 0)));
        }
        return states;
    }
}
