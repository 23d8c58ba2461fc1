package io.edgeswarm.agent.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacketCipherTest {

    private static final byte[] PLAIN = "ping node-a".getBytes(StandardCharsets.UTF_8);

    @Test
    void sealedPacketOpensWithTheSameKey() {
        PacketCipher cipher = new PacketCipher("old-secret-0123456789", List.of());

        assertThat(cipher.open(cipher.seal(PLAIN))).hasValue(PLAIN);
    }

    @Test
    void sealingTheSameBytesTwiceGivesDifferentPackets() {
        PacketCipher cipher = new PacketCipher("old-secret-0123456789", List.of());

        assertThat(cipher.seal(PLAIN)).isNotEqualTo(cipher.seal(PLAIN));
    }

    @Test
    void wrongKeyCannotOpen() {
        byte[] sealed = new PacketCipher("old-secret-0123456789", List.of()).seal(PLAIN);

        assertThat(new PacketCipher("new-secret-9876543210", List.of()).open(sealed)).isEmpty();
    }

    @Test
    void tamperedPacketIsRefused() {
        PacketCipher cipher = new PacketCipher("old-secret-0123456789", List.of());
        byte[] sealed = cipher.seal(PLAIN);
        sealed[sealed.length / 2] ^= 1;

        assertThat(cipher.open(sealed)).isEmpty();
    }

    @Test
    void rotationAcceptsBothKeysWhileSendingWithTheNewPrimary() {
        PacketCipher oldOnly = new PacketCipher("old-secret-0123456789", List.of());
        PacketCipher rotating = new PacketCipher("new-secret-9876543210", List.of("old-secret-0123456789"));
        PacketCipher newOnly = new PacketCipher("new-secret-9876543210", List.of());

        assertThat(rotating.open(oldOnly.seal(PLAIN))).hasValue(PLAIN);
        assertThat(newOnly.open(rotating.seal(PLAIN))).hasValue(PLAIN);
        assertThat(oldOnly.open(rotating.seal(PLAIN))).isEmpty();
    }

    @Test
    void truncatedOrForeignPacketsAreRefused() {
        PacketCipher cipher = new PacketCipher("old-secret-0123456789", List.of());

        assertThat(cipher.open(new byte[0])).isEmpty();
        assertThat(cipher.open(new byte[PacketCipher.OVERHEAD - 1])).isEmpty();
        assertThat(cipher.open(MessageCodec.encode(new Message.Ack(1)))).isEmpty();
    }
}
