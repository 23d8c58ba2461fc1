package io.edgeswarm.agent.api;

import static io.edgeswarm.agent.TestBytes.randomBytes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * {@code chunk-sizing=auto} sizes each publish by its announced length, up to {@code chunk-size}; a publish may ask for
 * its own size within the bounds.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"edgeswarm.transfer.chunk-sizing=auto", "edgeswarm.transfer.chunk-size=2MB",
                "edgeswarm.gossip.port=0"})
class ChunkSizingApiTest extends RunningAgentTest {

    private static final int MIB = 1024 * 1024;

    @Test
    void aPublishOfAnnouncedLengthGetsAboutAThousandChunksOfAtLeastHalfAMiB() {
        client.put().uri("/api/v1/artifacts?name=auto/small.bin").bodyValue(randomBytes(3 * MIB + 1, 120))
                .exchange()
                .expectStatus().isCreated()
                .expectBody()
                .jsonPath("$.chunkSize").isEqualTo(MIB / 2)
                .jsonPath("$.chunkCount").isEqualTo(7);
    }

    @Test
    void aPublishMayAskForItsOwnChunkSize() {
        client.put().uri("/api/v1/artifacts?name=asked/small.bin&chunkSize=128KB")
                .bodyValue(randomBytes(MIB + 1, 121))
                .exchange()
                .expectStatus().isCreated()
                .expectBody()
                .jsonPath("$.chunkSize").isEqualTo(128 * 1024)
                .jsonPath("$.chunkCount").isEqualTo(9);
        client.post().uri("/api/v1/artifacts?name=asked/bytes.bin&chunkSize=2097152")
                .bodyValue(randomBytes(MIB, 122))
                .exchange()
                .expectStatus().isCreated()
                .expectBody()
                .jsonPath("$.chunkSize").isEqualTo(2 * MIB)
                .jsonPath("$.chunkCount").isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"32KB", "3MB", "0", "-1MB", "lots", "99999999999999TB"})
    void aChunkSizeOutsideTheBoundsOrUnreadableIsABadRequestAndStoresNothing(String chunkSize) {
        ArtifactApiTest.problem(client.put().uri("/api/v1/artifacts?name=asked/bad.bin&chunkSize=" + chunkSize)
                .bodyValue(randomBytes(1024, 123)), 400, "chunkSize");
        client.get().uri("/api/v1/names/asked/bad.bin?scope=local").exchange().expectStatus().isNotFound();
    }
}
