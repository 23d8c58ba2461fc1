package io.edgeswarm.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Signed artifacts across real agents: a publisher signs with its Ed25519 key (made by the shipped script), an agent
 * that trusts only that key takes its artifacts and refuses unsigned ones and ones signed by a stranger, and refuses
 * to publish when it cannot sign.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignedArtifactsIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    // Kept when a test fails: the agents' logs are in it.
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    static Path work;

    private final List<AgentProcess> all = new ArrayList<>();
    private AgentProcess publisher;
    private AgentProcess unsignedOrigin;
    private AgentProcess strangerOrigin;
    private AgentProcess strict;
    private String publisherKeyId;

    @BeforeAll
    void start() throws Exception {
        Path keys = work.resolve("keys");
        String printed = run("../deploy/signing/make-signing-key.sh", keys.toString(), "publisher");
        publisherKeyId = printed.substring(printed.indexOf("key id ") + 7, printed.indexOf("key id ") + 23);
        run("../deploy/signing/make-signing-key.sh", keys.toString(), "stranger");
        publisher = start("publisher", Map.of("edgeswarm.security.signing-key", keys.resolve("publisher.key")
                .toString()));
        unsignedOrigin = start("unsigned", Map.of());
        strangerOrigin = start("stranger", Map.of("edgeswarm.security.signing-key", keys.resolve("stranger.key")
                .toString()));
        strict = start("strict", Map.of("edgeswarm.security.trusted-keys", keys.resolve("publisher.pub").toString(),
                "edgeswarm.transfer.no-source-timeout", "4s"));
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                all.stream().allMatch(a -> a.memberStates().values().stream().filter("alive"::equals).count() == 4));
    }

    @AfterAll
    void stop() {
        all.forEach(AgentProcess::close);
    }

    @Test
    void aTrustedPublishersArtifactIsReplicatedWithItsSignature() throws Exception {
        String digest = publisher.publish("signed/firmware.bin", file("signed.bin", 9L * 1024 * 1024, 1));
        JsonNode manifest = publisher.get("/api/v1/artifacts/" + digest + "/manifest");
        assertThat(manifest.get("signature").get("keyId").asString()).isEqualTo(publisherKeyId);
        // The packaged jar opens the JDK's SHA-256, so the signed manifest lists chunk states, checked on replication.
        assertThat(manifest.get("chunkStates")).as("chunk states").isNotNull();
        assertThat(manifest.get("chunkStates").size()).isEqualTo(manifest.get("chunks").size() - 1);

        assertThat(strict.post("/api/v1/artifacts/" + digest + "/replicate")).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> strict.progress(digest) == 1.0);
        assertThat(strict.downloadDigest(digest)).isEqualTo(digest);
        assertThat(strict.get("/api/v1/artifacts/" + digest + "/manifest").get("signature").get("value").asString())
                .isEqualTo(manifest.get("signature").get("value").asString());
    }

    @Test
    void unsignedAndStrangerSignedArtifactsAreRefusedAndNothingIsStored() throws Exception {
        String unsigned = unsignedOrigin.publish("plain/app.tar", file("plain.bin", 3L * 1024 * 1024, 2));
        String foreign = strangerOrigin.publish("foreign/app.tar", file("foreign.bin", 3L * 1024 * 1024, 3));
        assertThat(strangerOrigin.get("/api/v1/artifacts/" + foreign + "/manifest").get("signature")).isNotNull();

        // The replicate request waits for a manifest, gets only refused ones, and says why.
        HttpResponse<String> refusedUnsigned = strict.postJson("/api/v1/artifacts/" + unsigned + "/replicate", "");
        HttpResponse<String> refusedForeign = strict.postJson("/api/v1/artifacts/" + foreign + "/replicate", "");
        assertThat(refusedUnsigned.statusCode()).isEqualTo(403);
        assertThat(refusedUnsigned.body()).contains("Untrusted artifact").contains("unsigned");
        assertThat(refusedForeign.statusCode()).isEqualTo(403);
        assertThat(refusedForeign.body()).contains("untrusted key");

        assertThat(strict.downloadError(unsigned)).contains("no acceptable manifest").contains("unsigned");
        assertThat(strict.downloadError(foreign)).contains("untrusted key");
        assertThat(strict.progress(unsigned)).isEqualTo(-1);
        assertThat(strict.progress(foreign)).isEqualTo(-1);
        assertThat(strict.get("/api/v1/status").get("counters").get("manifestsRefused").asLong())
                .isGreaterThanOrEqualTo(2);
        assertThat(strict.metric("edgeswarm_manifests_refused_total")).isGreaterThanOrEqualTo(2);
        // Reading the content through the strict agent is refused too, rather than served unverified.
        HttpResponse<String> read = HTTP.send(HttpRequest.newBuilder(URI.create(strict.baseUrl()
                + "/api/v1/artifacts/" + unsigned)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode()).isEqualTo(403);
        assertThat(read.body()).contains("Untrusted artifact");
    }

    @Test
    void anAgentThatOnlyAcceptsSignedArtifactsRefusesAPublishItCannotSign() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(strict.baseUrl()
                + "/api/v1/artifacts?name=x/y.bin")).PUT(HttpRequest.BodyPublishers.ofString("data"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("Unsigned publish refused").contains("edgeswarm.security.signing-key");
    }

    private AgentProcess start(String id, Map<String, String> extra) throws IOException {
        Map<String, String> properties = new HashMap<>(extra);
        properties.put("edgeswarm.gossip.probe-interval", "500ms");
        properties.put("edgeswarm.gossip.gossip-interval", "100ms");
        if (!all.isEmpty()) {
            properties.put("edgeswarm.gossip.seeds", all.get(0).gossipAddress());
        }
        AgentProcess agent = AgentProcess.start(id, work, properties);
        all.add(agent);
        return agent;
    }

    private static Path file(String name, long size, long seed) throws IOException {
        Path file = work.resolve(name);
        AgentProcess.writeRandom(file, size, seed);
        return file;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        return output;
    }
}
