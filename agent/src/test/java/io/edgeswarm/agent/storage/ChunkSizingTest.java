package io.edgeswarm.agent.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChunkSizingTest {

    private static final long MIB = 1024 * 1024;
    private static final ChunkSizing AUTO = ChunkSizing.auto(4 * (int) MIB);

    @ParameterizedTest(name = "{0} MiB -> {1} KiB chunks")
    @CsvSource({"0, 512", "1, 512", "100, 512", "256, 512", "512, 512", "513, 1024", "1024, 1024", "1025, 2048",
        "2048, 2048", "3000, 4096", "51200, 4096"})
    void autoAimsAtAboutAThousandChunksOfAtLeastHalfAMiBUpToTheConfiguredSize(long artifactMib, int chunkKib) {
        assertThat(AUTO.forArtifact(artifactMib * MIB)).isEqualTo(chunkKib * 1024);
    }

    @Test
    void autoWithoutAKnownSizeTakesTheConfiguredSize() {
        assertThat(AUTO.forArtifact(-1)).isEqualTo(4 * MIB);
    }

    @Test
    void autoNeverExceedsASmallConfiguredSize() {
        ChunkSizing small = ChunkSizing.auto(256 * 1024);

        assertThat(small.forArtifact(10 * MIB)).isEqualTo(256 * 1024);
        assertThat(small.forArtifact(10L * 1024 * MIB)).isEqualTo(256 * 1024);
    }

    @Test
    void fixedSizingUsesTheConfiguredSizeForEveryArtifact() {
        ChunkSizing fixed = ChunkSizing.fixed(64 * 1024);

        assertThat(fixed.forArtifact(-1)).isEqualTo(64 * 1024);
        assertThat(fixed.forArtifact(50L * 1024 * MIB)).isEqualTo(64 * 1024);
        assertThatThrownBy(() -> ChunkSizing.fixed(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRequestedSizeIsTakenFrom64KiBUpToTheConfiguredSize() {
        assertThat(AUTO.forRequest(64 * 1024)).isEqualTo(64 * 1024);
        assertThat(AUTO.forRequest(100_000)).isEqualTo(100_000);
        assertThat(AUTO.forRequest(4 * MIB)).isEqualTo(4 * MIB);
        assertThat(ChunkSizing.fixed(64 * 1024).forRequest(64 * 1024)).isEqualTo(64 * 1024);
    }

    @ParameterizedTest(name = "{0} bytes")
    @CsvSource({"-1", "0", "65535", "4194305", "9223372036854775807"})
    void aRequestedSizeOutsideTheBoundsIsInvalidInput(long requested) {
        assertThatThrownBy(() -> AUTO.forRequest(requested))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("between 65536 and 4194304");
    }
}
