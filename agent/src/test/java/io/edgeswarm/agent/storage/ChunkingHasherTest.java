package io.edgeswarm.agent.storage;

import static io.edgeswarm.agent.TestBytes.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChunkingHasherTest {

    private static final int CHUNK = 1024;

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 7})
    void chunkDigestsAndWholeDigestMatchAnIndependentHash(int size) throws Exception {
        byte[] content = randomBytes(size, size);

        Manifest manifest = feedInPieces(content, 97);

        assertThat(manifest.size()).isEqualTo(size);
        assertThat(manifest.chunkCount()).isEqualTo((size + CHUNK - 1) / CHUNK);
        assertThat(manifest.digest()).isEqualTo(Digest.of(MessageDigest.getInstance("SHA-256").digest(content)));
        for (int i = 0; i < manifest.chunkCount(); i++) {
            byte[] chunk = Arrays.copyOfRange(content, i * CHUNK, Math.min(size, (i + 1) * CHUNK));
            assertThat(manifest.chunkLength(i)).isEqualTo(chunk.length);
            assertThat(manifest.chunkDigest(i)).isEqualTo(Digest.of(MessageDigest.getInstance("SHA-256").digest(chunk)));
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 7})
    void eachChunkHashedOnFromItsListedStateReachesTheNextOrTheWholeDigest(int size) {
        byte[] content = randomBytes(size, size + 1);

        Manifest manifest = feedInPieces(content, 61);

        assertThat(manifest.chunkStates()).hasSize(Math.max(0, manifest.chunkCount() - 1));
        for (int i = 0; i < manifest.chunkCount(); i++) {
            ResumableSha256 hash = i == 0 ? ResumableSha256.start()
                    : ResumableSha256.resume(manifest.stateBefore(i), manifest.chunkOffset(i));
            hash.update(ByteBuffer.wrap(content, (int) manifest.chunkOffset(i), manifest.chunkLength(i)));
            byte[] reached = i == manifest.chunkCount() - 1 ? hash.digest() : hash.state();
            byte[] expected = i == manifest.chunkCount() - 1 ? java.util.HexFormat.of().parseHex(manifest.digest().hex())
                    : manifest.stateBefore(i + 1);
            assertThat(reached).as("chunk " + i).isEqualTo(expected);
        }
    }

    @Test
    void aChunkSizeThatIsNotAWholeNumberOfBlocksListsNoStates() {
        ChunkingHasher hasher = new ChunkingHasher(1000);
        hasher.update(ByteBuffer.wrap(randomBytes(2500, 3)));

        assertThat(hasher.finish("odd").chunkStates()).isNull();
    }

    @ParameterizedTest(name = "pieces of {0}")
    @ValueSource(ints = {1, 13, CHUNK, CHUNK + 1, 10 * CHUNK})
    void howTheStreamIsSplitDoesNotChangeTheManifest(int piece) {
        byte[] content = randomBytes(5 * CHUNK + 3, 42);

        assertThat(feedInPieces(content, piece)).isEqualTo(feedInPieces(content, content.length));
    }

    @Test
    void zeroBytesHaveNoChunksAndTheEmptyDigest() {
        Manifest manifest = feedInPieces(new byte[0], 1);

        assertThat(manifest.chunks()).isEmpty();
        assertThat(manifest.digest().hex())
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    private static Manifest feedInPieces(byte[] content, int piece) {
        ChunkingHasher hasher = new ChunkingHasher(CHUNK);
        for (int offset = 0; offset < content.length; offset += piece) {
            hasher.update(ByteBuffer.wrap(content, offset, Math.min(piece, content.length - offset)));
        }
        return hasher.finish("test/artifact");
    }
}
