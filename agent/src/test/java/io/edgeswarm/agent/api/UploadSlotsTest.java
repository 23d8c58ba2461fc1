package io.edgeswarm.agent.api;

import static io.edgeswarm.agent.api.ArtifactApiTest.problem;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;

/** With no free upload slot, peers are told to come back later, not queued. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"edgeswarm.transfer.upload-slots=0", "edgeswarm.gossip.port=0"})
class UploadSlotsTest extends RunningAgentTest {

    @Test
    void chunkRequestBeyondTheUploadSlotsIsRefusedWithRetryAfter() {
        String location = published("busy", new byte[100]);

        client.get().uri(location + "/chunks/0").exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "1");
        problem(client.get().uri(location + "/chunks/0"), 503, "upload slots");
        client.get().uri(location).exchange().expectStatus().isOk();
    }
}
