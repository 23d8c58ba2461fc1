package io.edgeswarm.agent.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgeswarm.agent.membership.Message.Ack;
import io.edgeswarm.agent.membership.Message.Alive;
import io.edgeswarm.agent.membership.Message.Compound;
import io.edgeswarm.agent.membership.Message.Dead;
import io.edgeswarm.agent.membership.Message.IndirectPing;
import io.edgeswarm.agent.membership.Message.MemberEntry;
import io.edgeswarm.agent.membership.Message.Nack;
import io.edgeswarm.agent.membership.Message.Notice;
import io.edgeswarm.agent.membership.Message.Ping;
import io.edgeswarm.agent.membership.Message.PushPull;
import io.edgeswarm.agent.membership.Message.Suspect;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

    private static final NodeAddress ADDRESS = new NodeAddress("10.1.2.3", 7946);
    private static final NodeMeta META = new NodeMeta("http://10.1.2.3:7700", "site-b",
            Map.of("role", "gpu", "rack", "r7"), 12, new byte[] {1, 2, 3});

    static List<Message> samples() {
        return List.of(new Ping(7, "node-a", "node-b"),
                new IndirectPing(-3, "node-a", ADDRESS, "node-c", true),
                new Ack(Integer.MAX_VALUE), new Nack(0),
                new Alive(42, "node-ä", new NodeAddress("::1", 1), META),
                new Suspect(1, "x", "y"), new Dead(Long.MAX_VALUE, "x", "x"),
                new Compound(List.of(new Ping(1, "a", "b"), new Alive(0, "a", ADDRESS, NodeMeta.EMPTY))),
                new PushPull(true, false, List.of(new MemberEntry("a", ADDRESS, 3, MemberState.SUSPECT, META),
                        new MemberEntry("b", ADDRESS, 0, MemberState.LEFT, NodeMeta.EMPTY))),
                new Notice("node-b", new byte[] {1, 2, 3, (byte) 0xFF}), new Notice("c", new byte[0]));
    }

    @Test
    void everyMessageTypeRoundTrips() throws Exception {
        for (Message message : samples()) {
            assertThat(MessageCodec.decode(MessageCodec.encode(message))).isEqualTo(message);
        }
    }

    @Test
    void everyTruncationOfAValidMessageIsRejectedCleanly() {
        for (Message message : samples()) {
            byte[] bytes = MessageCodec.encode(message);
            for (int length = 0; length < bytes.length; length++) {
                byte[] cut = java.util.Arrays.copyOf(bytes, length);
                assertThatThrownBy(() -> MessageCodec.decode(cut)).isInstanceOf(MalformedMessageException.class);
            }
        }
    }

    @Test
    void randomAndMutatedPacketsNeverEscapeAsAnythingButMalformed() {
        SplittableRandom random = new SplittableRandom(2026);
        List<byte[]> valid = samples().stream().map(MessageCodec::encode).toList();
        int decoded = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] packet;
            if (i % 2 == 0) {
                packet = new byte[random.nextInt(1500)];
                random.nextBytes(packet);
            } else {
                packet = valid.get(random.nextInt(valid.size())).clone();
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    packet[random.nextInt(packet.length)] = (byte) random.nextInt(256);
                }
            }
            try {
                MessageCodec.decode(packet);
                decoded++;
            } catch (MalformedMessageException expected) {
                // the only failure allowed
            }
        }
        assertThat(decoded).as("some mutations still form valid messages").isPositive();
    }

    @Test
    void aNoticeBodyIsBoundedOnBothSides() {
        byte[] largest = new byte[MessageCodec.MAX_NOTICE_BYTES];
        assertThat(MessageCodec.encode(new Notice("a", largest))).hasSize(1 + 2 + 2 + largest.length);
        assertThatThrownBy(() -> MessageCodec.encode(new Notice("a", new byte[MessageCodec.MAX_NOTICE_BYTES + 1])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("notice");

        // Type, a one-byte id "a", then a body length past the bound, with that many bytes behind it.
        int claimed = MessageCodec.MAX_NOTICE_BYTES + 1;
        byte[] oversize = new byte[5 + claimed];
        oversize[0] = 10;
        oversize[1] = 1;
        oversize[2] = 'a';
        oversize[3] = (byte) (claimed >>> 8);
        oversize[4] = (byte) claimed;
        assertThatThrownBy(() -> MessageCodec.decode(oversize)).isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("notice");
    }

    @Test
    void pushPullClaimingMoreMembersThanTheBoundIsRejectedBeforeAllocating() {
        byte[] header = {9, 0, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};

        assertThatThrownBy(() -> MessageCodec.decode(header)).isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("members");
    }

    @Test
    void metadataOverTheBoundIsRefusedAtTheSender() {
        byte[] summary = new byte[MessageCodec.MAX_META_BYTES];

        assertThatThrownBy(() -> MessageCodec.encode(new Alive(1, "a", ADDRESS, META.withArtifacts(summary))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
    }

    @Test
    void compoundOfManySmallMessagesFitsTheDatagramBudget() {
        List<byte[]> parts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            parts.add(MessageCodec.encode(new Suspect(i, "node-" + i, "node-x")));
        }
        byte[] packet = MessageCodec.compound(parts);

        assertThat(packet.length).isLessThan(SwimConfig.lan().maxPacketBytes());
    }
}
