package io.edgeswarm.agent.api;

import static io.edgeswarm.agent.TestBytes.randomBytes;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/** {@code chunk-sizing=auto} sizes each publish by its announced length, up to {@code chunk-size}. */
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
}
