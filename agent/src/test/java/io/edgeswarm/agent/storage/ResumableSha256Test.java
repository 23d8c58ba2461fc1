package io.edgeswarm.agent.storage;

import static io.edgeswarm.agent.TestBytes.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResumableSha256Test {

    @Test
    void theTestRuntimeOpensTheJdksSha256SoTheChainedChecksAreWhatRuns() {
        assertThat(ResumableSha256.available()).as(ResumableSha256.unavailableReason()).isTrue();
        assertThat(ResumableSha256.unavailableReason()).isEmpty();
    }

    @ParameterizedTest(name = "split after {0} bytes")
    @ValueSource(ints = {0, 64, 128, 4096, 65536, 1 << 20})
    void hashingOnFromAStateGivesTheDigestOfTheWholeContent(int split) throws Exception {
        byte[] content = randomBytes((1 << 20) + 4099, split);
        ResumableSha256 first = ResumableSha256.start();
        first.update(ByteBuffer.wrap(content, 0, split));
        byte[] state = first.state();

        ResumableSha256 rest = ResumableSha256.resume(state, split);
        ByteBuffer direct = ByteBuffer.allocateDirect(content.length - split);
        direct.put(content, split, content.length - split).flip();
        rest.update(direct);

        assertThat(direct.hasRemaining()).isFalse();
        assertThat(rest.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(content));
    }

    @Test
    void theStateBeforeAnyByteIsSha256sInitialHashValue() {
        assertThat(HexFormat.of().formatHex(ResumableSha256.start().state()))
                .isEqualTo("6a09e667bb67ae853c6ef372a54ff53a510e527f9b05688c1f83d9ab5be0cd19");
    }

    @Test
    void aStateIsOnlyReadOrResumedOnABlockBoundary() {
        ResumableSha256 hash = ResumableSha256.start();
        hash.update(new byte[65], 0, 65);

        assertThatThrownBy(hash::state).isInstanceOf(IllegalStateException.class).hasMessageContaining("64-byte");
        assertThatThrownBy(() -> ResumableSha256.resume(new byte[32], 100))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ResumableSha256.resume(new byte[31], 64))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withoutTheOpenedPackageChunksAndTheWholeAreHashedApartAndStillVerify() throws Exception {
        ChunkingHasher here = new ChunkingHasher(NoOpenPackageProbe.CHUNK);
        here.update(ByteBuffer.wrap(NoOpenPackageProbe.content()));
        String withStates = new String(ManifestCodec.toJson(here.finish("probe/states")), StandardCharsets.UTF_8);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process probe = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                NoOpenPackageProbe.class.getName(), withStates).redirectErrorStream(true).start();
        try {
            assertThat(probe.waitFor(60, TimeUnit.SECONDS)).as("probe finished").isTrue();
            String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(probe.exitValue()).as(output).isZero();
            assertThat(output.lines().toList()).as(output).containsSubsequence(List.of(
                    "available false", "reason names the flag true", "published states null",
                    "stored without states true", "given states 4", "stored with states true",
                    "bad chunk refused true"));
        } finally {
            probe.destroyForcibly();
        }
    }

    /** Runs in a JVM without {@code --add-opens java.base/sun.security.provider}: the fallback end to end. */
    static final class NoOpenPackageProbe {

        static final int CHUNK = 4096;

        static byte[] content() {
            return randomBytes(4 * CHUNK + 11, 7);
        }

        /** Argument: the JSON of the content's manifest with chunk states, made where states can be read. */
        public static void main(String[] args) throws IOException {
            System.out.println("available " + ResumableSha256.available());
            System.out.println("reason names the flag "
                    + ResumableSha256.unavailableReason().contains("--add-opens java.base/sun.security.provider"));
            byte[] content = content();
            ChunkingHasher hasher = new ChunkingHasher(CHUNK);
            hasher.update(ByteBuffer.wrap(content));
            Manifest published = hasher.finish("probe/plain");
            System.out.println("published states " + published.chunkStates());
            System.out.println("stored without states " + storesWhole(published, content));
            // A manifest with states from a peer that can read them: checked here chunk by chunk and whole instead.
            Manifest withStates = ManifestCodec.fromJson(args[0].getBytes(StandardCharsets.UTF_8));
            System.out.println("given states " + withStates.chunkStates().size());
            System.out.println("stored with states " + storesWhole(withStates, content));
            ChunkCheck check = ChunkCheck.of(withStates);
            ByteBuffer bad = ByteBuffer.wrap(content.clone(), 0, CHUNK);
            bad.put(3, (byte) (bad.get(3) ^ 1));
            boolean refused;
            try {
                check.verify(0, bad);
                refused = false;
            } catch (ChunkVerificationException e) {
                refused = e.index() == 0;
            }
            System.out.println("bad chunk refused " + refused);
        }

        private static boolean storesWhole(Manifest manifest, byte[] content) throws IOException {
            Path dir = java.nio.file.Files.createTempDirectory("probe");
            ArtifactStore store = new ArtifactStore(dir, manifest.chunkSize(), 0, java.time.Clock.systemUTC(),
                    reactor.core.scheduler.Schedulers.single()).open();
            store.beginPartial(manifest);
            for (int i = manifest.chunkCount() - 1; i >= 0; i--) {
                store.putChunk(manifest.digest(), i, ByteBuffer.wrap(content, (int) manifest.chunkOffset(i),
                        manifest.chunkLength(i)).slice());
            }
            return store.require(manifest.digest()).isComplete();
        }
    }
}
