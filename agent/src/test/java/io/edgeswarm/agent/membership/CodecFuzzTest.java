package io.edgeswarm.agent.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Hostile gossip input, seeded so a failure reproduces: random packets and mutations of valid ones (bit flips,
 * truncation, extension, overwritten length fields) go through the decoder and the cipher. The only acceptable
 * outcomes are a decoded message or {@link MalformedMessageException} (dropped and counted); anything else would
 * kill the protocol thread or let a bad packet through.
 */
class CodecFuzzTest {

    private static final long SEED = 20261125L;
    private static final int CASES = 50_000;

    @Test
    void randomAndMutatedPacketsNeverEscapeAsAnythingButMalformed() {
        SplittableRandom random = new SplittableRandom(SEED);
        List<byte[]> valid = new ArrayList<>();
        for (Message m : MessageCodecTest.samples()) {
            valid.add(MessageCodec.encode(m));
        }
        int decoded = 0;
        int malformed = 0;
        for (int i = 0; i < CASES; i++) {
            byte[] packet = i % 4 == 0 ? randomBytes(random) : mutate(valid.get(random.nextInt(valid.size())), random);
            try {
                Message message = MessageCodec.decode(packet);
                assertThat(message).isNotNull();
                decoded++;
            } catch (MalformedMessageException expected) {
                malformed++;
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                throw new AssertionError("case " + i + " (seed " + SEED + ") escaped the decoder: " + e, e);
            }
        }
        assertThat(decoded + malformed).isEqualTo(CASES);
        assertThat(malformed).as("most mutations must be caught").isGreaterThan(CASES / 2);
    }

    @Test
    void theCipherRejectsEveryForgedOrDamagedPacket() {
        SplittableRandom random = new SplittableRandom(SEED + 1);
        PacketCipher cipher = new PacketCipher("a-cluster-key-for-fuzzing", List.of());
        byte[] sealed = cipher.seal(MessageCodec.encode(MessageCodecTest.samples().get(0)));
        for (int i = 0; i < CASES / 5; i++) {
            byte[] forged = i % 2 == 0 ? randomBytes(random) : mutate(sealed, random);
            if (java.util.Arrays.equals(forged, sealed)) {
                continue;
            }
            Optional<byte[]> opened = cipher.open(forged);
            assertThat(opened).as("case %d", i).isEmpty();
        }
        assertThat(cipher.open(sealed)).isPresent();
    }

    private static byte[] randomBytes(SplittableRandom random) {
        byte[] bytes = new byte[random.nextInt(0, 1500)];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] mutate(byte[] original, SplittableRandom random) {
        byte[] bytes = original.clone();
        switch (random.nextInt(5)) {
            case 0 -> { // flip a few bits
                for (int k = 0; k < 1 + random.nextInt(4) && bytes.length > 0; k++) {
                    int at = random.nextInt(bytes.length);
                    bytes[at] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length + 1)); // truncate
            case 2 -> { // extend with garbage
                byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(64));
                for (int k = bytes.length; k < longer.length; k++) {
                    longer[k] = (byte) random.nextInt(256);
                }
                bytes = longer;
            }
            case 3 -> { // a huge or negative length where a length might be
                if (bytes.length >= 4) {
                    int at = random.nextInt(bytes.length - 3);
                    int value = random.nextBoolean() ? Integer.MAX_VALUE : -1 - random.nextInt(1000);
                    bytes[at] = (byte) (value >>> 24);
                    bytes[at + 1] = (byte) (value >>> 16);
                    bytes[at + 2] = (byte) (value >>> 8);
                    bytes[at + 3] = (byte) value;
                }
            }
            default -> { // overwrite one byte with an extreme value
                if (bytes.length > 0) {
                    bytes[random.nextInt(bytes.length)] = random.nextBoolean() ? (byte) 0xFF : 0;
                }
            }
        }
        return bytes;
    }
}
