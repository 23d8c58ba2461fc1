package io.edgeswarm.agent.api;

import static io.edgeswarm.agent.api.ArtifactApiTest.problem;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"edgeswarm.security.write-token=s3cret-token", "edgeswarm.gossip.port=0"})
class WriteTokenTest extends RunningAgentTest {

    @Test
    void publishWithoutATokenIsUnauthorized() {
        problem(client.put().uri("/api/v1/artifacts?name=x").bodyValue(new byte[3]), 401, "Bearer");
    }

    @Test
    void publishWithAWrongTokenIsForbidden() {
        problem(client.put().uri("/api/v1/artifacts?name=x").header(HttpHeaders.AUTHORIZATION, "Bearer nope")
                .bodyValue(new byte[3]), 403, "not valid");
    }

    @Test
    void deleteWithoutATokenIsUnauthorized() {
        problem(client.delete().uri("/api/v1/artifacts/sha256:" + "0".repeat(64)), 401, "Bearer");
    }

    @Test
    void publishWithTheTokenSucceedsAndReadsNeedNoToken() {
        String location = client.put().uri("/api/v1/artifacts?name=x")
                .header(HttpHeaders.AUTHORIZATION, "Bearer s3cret-token").bodyValue(new byte[3]).exchange()
                .expectStatus().isCreated()
                .returnResult(String.class).getResponseHeaders().getLocation().toString();

        client.get().uri(location).exchange().expectStatus().isOk();
    }
}
