package io.edgeswarm.agent.api;

import static io.edgeswarm.agent.TestBytes.randomBytes;
import static io.edgeswarm.agent.TestBytes.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import io.edgeswarm.agent.swarm.HoldingsHeader;
import io.edgeswarm.agent.swarm.SwarmHeaders;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Every endpoint of the agent that needs no other agent, against the real server on a random port. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"edgeswarm.transfer.chunk-size=64KB", "edgeswarm.node-id=api-test", "edgeswarm.zone=zone-a",
                "edgeswarm.gossip.port=0"})
class ArtifactApiTest extends RunningAgentTest {

    private static final int CHUNK = 64 * 1024;

    @Test
    void publishReturnsTheManifestSummaryAndLocation() {
        byte[] content = randomBytes(2 * CHUNK + 1, 100);
        String digest = sha256(content);

        client.put().uri("/api/v1/artifacts?name=models/a.bin").bodyValue(content).exchange()
                .expectStatus().isCreated()
                .expectHeader().location("/api/v1/artifacts/" + digest)
                .expectBody()
                .jsonPath("$.digest").isEqualTo(digest)
                .jsonPath("$.name").isEqualTo("models/a.bin")
                .jsonPath("$.size").isEqualTo(content.length)
                .jsonPath("$.chunkSize").isEqualTo(CHUNK)
                .jsonPath("$.chunkCount").isEqualTo(3);
    }

    @Test
    void publishByPostWorksLikePut() {
        byte[] content = randomBytes(100, 101);

        client.post().uri("/api/v1/artifacts?name=posted").bodyValue(content).exchange()
                .expectStatus().isCreated()
                .expectBody().jsonPath("$.digest").isEqualTo(sha256(content));
    }

    @Test
    void publishedArtifactIsListed() {
        String digest = publish("listed/x", randomBytes(CHUNK, 102));

        client.get().uri("/api/v1/artifacts").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$[?(@.digest == '%s')].name".formatted(digest)).isEqualTo("listed/x")
                .jsonPath("$[?(@.digest == '%s')].complete".formatted(digest)).isEqualTo(true)
                .jsonPath("$[?(@.digest == '%s')].progress".formatted(digest)).isEqualTo(1.0)
                .jsonPath("$[?(@.digest == '%s')].origin".formatted(digest)).isEqualTo(true);
        client.get().uri("/api/v1/artifacts?scope=local").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$[?(@.digest == '%s')].name".formatted(digest)).isEqualTo("listed/x");
    }

    @Test
    void unknownListScopeIsABadRequest() {
        problem(client.get().uri("/api/v1/artifacts?scope=galaxy"), 400, "scope");
    }

    @Test
    void contentIsServedWhole() {
        byte[] content = randomBytes(3 * CHUNK + 17, 103);
        String digest = publish("whole", content);

        byte[] body = client.get().uri("/api/v1/artifacts/" + digest).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ACCEPT_RANGES, "bytes")
                .expectHeader().contentLength(content.length)
                .expectBody(byte[].class).returnResult().getResponseBody();
        assertThat(body).isEqualTo(content);
    }

    @Test
    void singleRangeIsServedAsPartialContent() {
        byte[] content = randomBytes(2 * CHUNK, 104);
        String digest = publish("ranged", content);

        byte[] body = client.get().uri("/api/v1/artifacts/" + digest).header(HttpHeaders.RANGE, "bytes=100-65635")
                .exchange()
                .expectStatus().isEqualTo(206)
                .expectHeader().valueEquals(HttpHeaders.CONTENT_RANGE, "bytes 100-65635/" + content.length)
                .expectBody(byte[].class).returnResult().getResponseBody();
        assertThat(body).isEqualTo(Arrays.copyOfRange(content, 100, 65636));
    }

    @Test
    void suffixRangeServesTheTail() {
        byte[] content = randomBytes(1000, 105);
        String digest = publish("suffix", content);

        byte[] body = client.get().uri("/api/v1/artifacts/" + digest).header(HttpHeaders.RANGE, "bytes=-10")
                .exchange()
                .expectStatus().isEqualTo(206)
                .expectHeader().valueEquals(HttpHeaders.CONTENT_RANGE, "bytes 990-999/1000")
                .expectBody(byte[].class).returnResult().getResponseBody();
        assertThat(body).isEqualTo(Arrays.copyOfRange(content, 990, 1000));
    }

    @Test
    void rangePastTheEndIsNotSatisfiable() {
        String digest = publish("short", randomBytes(1000, 106));

        client.get().uri("/api/v1/artifacts/" + digest).header(HttpHeaders.RANGE, "bytes=1000-").exchange()
                .expectStatus().isEqualTo(416)
                .expectHeader().valueEquals(HttpHeaders.CONTENT_RANGE, "bytes */1000")
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").value(d -> assertThat((String) d).contains("1000 bytes"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=abc", "bytes=5-1", "items=0-1", "bytes=0-1,5-6"})
    void malformedOrMultipleRangesAreIgnoredAndTheWholeIsSent(String range) {
        byte[] content = randomBytes(500, 107);
        String digest = publish("ignored-range", content);

        byte[] body = client.get().uri("/api/v1/artifacts/" + digest).header(HttpHeaders.RANGE, range).exchange()
                .expectStatus().isOk()
                .expectBody(byte[].class).returnResult().getResponseBody();
        assertThat(body).isEqualTo(content);
    }

    @Test
    void ifRangeWithAStaleValidatorSendsTheWhole() {
        byte[] content = randomBytes(500, 108);
        String digest = publish("if-range", content);

        client.get().uri("/api/v1/artifacts/" + digest).header(HttpHeaders.RANGE, "bytes=0-9")
                .header(HttpHeaders.IF_RANGE, "\"something-else\"").exchange()
                .expectStatus().isOk()
                .expectHeader().contentLength(500);
    }

    @Test
    void manifestListsEveryChunkDigestAndTheStateWhereEachLaterChunkBegins() {
        byte[] content = randomBytes(CHUNK + 3, 109);
        String digest = publish("manifested", content);
        io.edgeswarm.agent.storage.ResumableSha256 first = io.edgeswarm.agent.storage.ResumableSha256.start();
        first.update(content, 0, CHUNK);

        client.get().uri("/api/v1/artifacts/" + digest + "/manifest").exchange()
                .expectStatus().isOk()
                // The server's bitfield rides along, so a downloader can ask for chunks without polling it first.
                .expectHeader().value(HoldingsHeader.NAME, held -> assertThat(java.util.BitSet.valueOf(
                        java.util.Base64.getDecoder().decode(held))).hasToString("{0, 1}"))
                // And whether it is an origin, so a downloader knows before its first chunk request.
                .expectHeader().valueEquals(SwarmHeaders.ORIGIN, "true")
                .expectBody()
                .jsonPath("$.digest").isEqualTo(digest)
                .jsonPath("$.size").isEqualTo(CHUNK + 3)
                .jsonPath("$.chunks.length()").isEqualTo(2)
                .jsonPath("$.chunks[1]").isEqualTo(sha256(Arrays.copyOfRange(content, CHUNK, CHUNK + 3)))
                .jsonPath("$.chunkStates.length()").isEqualTo(1)
                .jsonPath("$.chunkStates[0]").isEqualTo(java.util.HexFormat.of().formatHex(first.state()));
    }

    @Test
    void manifestIsGzippedForClientsThatAllowIt() throws Exception {
        byte[] content = randomBytes(20 * CHUNK + 5, 120);
        String digest = publish("gzipped-manifest", content);
        String manifest = "/api/v1/artifacts/" + digest + "/manifest";
        String hex = digest.substring(digest.indexOf(':') + 1);
        // WebTestClient's default connector asks for gzip and inflates it; this one leaves the coding to the test.
        WebTestClient client = WebTestClient.bindToServer(new org.springframework.http.client.reactive
                .ReactorClientHttpConnector(reactor.netty.http.client.HttpClient.create()))
                .baseUrl("http://localhost:" + port).build();

        byte[] plain = client.get().uri(manifest).exchange()
                .expectStatus().isOk()
                .expectHeader().doesNotExist(HttpHeaders.CONTENT_ENCODING)
                .expectHeader().valueEquals(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING)
                .expectHeader().valueEquals(HttpHeaders.ETAG, "\"" + hex + "\"")
                .expectBody().returnResult().getResponseBody();
        for (int fetch = 0; fetch < 2; fetch++) { // compressed once, then served from the cache
            byte[] gzipped = client.get().uri(manifest).header(HttpHeaders.ACCEPT_ENCODING, "br;q=1, gzip;q=0.8")
                    .exchange()
                    .expectStatus().isOk()
                    .expectHeader().valueEquals(HttpHeaders.CONTENT_ENCODING, "gzip")
                    .expectHeader().contentType(MediaType.APPLICATION_JSON)
                    .expectHeader().valueEquals(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING)
                    .expectHeader().valueEquals(HttpHeaders.ETAG, "\"" + hex + "-gzip\"")
                    .expectHeader().valueEquals(SwarmHeaders.ORIGIN, "true")
                    .expectHeader().exists(HoldingsHeader.NAME)
                    .expectBody().returnResult().getResponseBody();
            try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzipped))) {
                assertThat(in.readAllBytes()).isEqualTo(plain);
            }
            assertThat(gzipped.length).as("hex digests gzip to little more than half").isLessThan(plain.length * 2 / 3);
        }
        client.get().uri(manifest).header(HttpHeaders.ACCEPT_ENCODING, "gzip;q=0, *").exchange()
                .expectStatus().isOk()
                .expectHeader().doesNotExist(HttpHeaders.CONTENT_ENCODING)
                .expectBody().jsonPath("$.digest").isEqualTo(digest);
        client.get().uri(manifest).header(HttpHeaders.ACCEPT_ENCODING, "gzip")
                .header(HttpHeaders.IF_NONE_MATCH, "\"" + hex + "-gzip\"").exchange()
                .expectStatus().isNotModified();
    }

    @Test
    void chunkIsServedWithItsDigestAsETag() {
        byte[] content = randomBytes(2 * CHUNK + 5, 110);
        String digest = publish("chunked", content);
        byte[] last = Arrays.copyOfRange(content, 2 * CHUNK, 2 * CHUNK + 5);

        byte[] body = client.get().uri("/api/v1/artifacts/" + digest + "/chunks/2").exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ETAG, "\"" + sha256(last).substring(7) + "\"")
                // The server's bitfield rides along, so downloaders need not poll it: all three chunks are here.
                .expectHeader().value(HoldingsHeader.NAME, held -> assertThat(java.util.BitSet.valueOf(
                        java.util.Base64.getDecoder().decode(held))).hasToString("{0, 1, 2}"))
                // So does its count of uploads in progress, this one included (nothing else is being served).
                .expectHeader().valueEquals(SwarmHeaders.UPLOADS, "1")
                .expectBody(byte[].class).returnResult().getResponseBody();
        assertThat(body).isEqualTo(last);
    }

    @Test
    void aRequestersBitfieldThatIsMalformedOrFromAStrangerDoesNotChangeWhatIsServed() {
        byte[] content = randomBytes(2 * CHUNK, 114);
        String digest = publish("announced", content);
        byte[] first = Arrays.copyOfRange(content, 0, CHUNK);
        // This agent is the origin: once chunk 1 has gone out, chunk 0 may be asked for again and again.
        client.get().uri("/api/v1/artifacts/" + digest + "/chunks/1").exchange().expectStatus().isOk();
        for (String holdings : new String[] {"!!not base64!!", "A".repeat(4096), "/w=="}) {
            byte[] body = client.get().uri("/api/v1/artifacts/" + digest + "/chunks/0")
                    .header(SwarmHeaders.REQUESTER, "someone-unknown").header(HoldingsHeader.NAME, holdings)
                    .exchange().expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody();
            assertThat(body).as(holdings.length() > 20 ? "a 4 KiB bitfield" : holdings).isEqualTo(first);
            // Bitfield polls carry the poller's bitfield too.
            byte[] held = client.get().uri("/api/v1/artifacts/" + digest + "/bitfield")
                    .header(SwarmHeaders.REQUESTER, "someone-unknown").header(HoldingsHeader.NAME, holdings)
                    .exchange().expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody();
            assertThat(java.util.BitSet.valueOf(held)).hasToString("{0, 1}");
        }
    }

    @Test
    void aBitfieldPollThatWaitsForNewsIsAnsweredAtOnceByAHolderOfEverything() {
        String digest = publish("waited", randomBytes(2 * CHUNK, 115));

        // The poller holds chunk 0 only: chunk 1 is news already, so the wait of 10 s is not waited.
        byte[] held = client.get().uri("/api/v1/artifacts/" + digest + "/bitfield?wait=10s")
                .header(SwarmHeaders.REQUESTER, "a-downloader").header(HoldingsHeader.NAME, "AQ==")
                .exchange().expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody();
        assertThat(java.util.BitSet.valueOf(held)).hasToString("{0, 1}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "-1s", "11s"})
    void aBitfieldPollWithAnInvalidWaitIsABadRequest(String wait) {
        String digest = publish("waited/bad", randomBytes(CHUNK, 116));

        problem(client.get().uri("/api/v1/artifacts/" + digest + "/bitfield?wait=" + wait), 400, "wait");
    }

    @Test
    void theOriginSendsEveryChunkOnceBeforeAnyTwice() {
        String digest = publish("first-pass", randomBytes(3 * CHUNK, 113));
        String chunk = "/api/v1/artifacts/" + digest + "/chunks/";
        client.get().uri(chunk + 1).exchange().expectStatus().isOk();

        // Chunks 0 and 2 have gone to nobody yet: the origin asks for one of those instead of chunk 1 again.
        client.get().uri(chunk + 1).exchange()
                .expectStatus().isEqualTo(409)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.detail").value(d -> assertThat((String) d).contains("sent by this origin already"))
                .jsonPath("$.askInstead").value(encoded -> assertThat(java.util.BitSet.valueOf(
                        java.util.Base64.getDecoder().decode((String) encoded))).hasToString("{0, 2}"));
        client.get().uri(chunk + 0).exchange().expectStatus().isOk();
        client.get().uri(chunk + 2).exchange().expectStatus().isOk();

        byte[] again = client.get().uri(chunk + 1).exchange().expectStatus().isOk()
                .expectBody(byte[].class).returnResult().getResponseBody();
        assertThat(again).hasSize(CHUNK);
    }

    @Test
    void chunkHeadAnswersItsHeadersAndDoesNotCountAsSent() {
        String digest = publish("head-chunk", randomBytes(3 * CHUNK, 114));
        String chunk = "/api/v1/artifacts/" + digest + "/chunks/";

        client.head().uri(chunk + 0).exchange()
                .expectStatus().isOk()
                .expectHeader().contentLength(CHUNK)
                .expectHeader().valueEquals("Edgeswarm-Origin", "true")
                .expectBody().isEmpty();
        client.get().uri(chunk + 1).exchange().expectStatus().isOk();
        // Had the HEAD counted as chunk 0 sent, the origin would now refuse it for the unsent chunk 2 (409).
        client.get().uri(chunk + 0).exchange().expectStatus().isOk();
    }

    @Test
    void chunksAreReadOnly() {
        String digest = publish("read-only-chunk", randomBytes(CHUNK, 115));

        client.post().uri("/api/v1/artifacts/" + digest + "/chunks/0").exchange()
                .expectStatus().isEqualTo(405)
                .expectHeader().valueEquals(HttpHeaders.ALLOW, "GET, HEAD")
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").value(d -> assertThat((String) d).contains("not POST"));
    }

    @Test
    void chunkOutsideTheArtifactIsNotFound() {
        String digest = publish("few-chunks", randomBytes(CHUNK, 111));

        problem(client.get().uri("/api/v1/artifacts/" + digest + "/chunks/1"), 404, "outside");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "x", "99999999999999", "1.5"})
    void malformedChunkIndexIsABadRequest(String index) {
        String digest = publish("index-check", randomBytes(10, 112));

        problem(client.get().uri("/api/v1/artifacts/" + digest + "/chunks/" + index), 400, "chunk index");
    }

    @Test
    void unknownDigestIsNotFound() {
        problem(client.get().uri("/api/v1/artifacts/sha256:" + "0".repeat(64)), 404, "not held");
        problem(client.get().uri("/api/v1/artifacts/sha256:" + "0".repeat(64) + "/manifest"), 404, "not held");
        problem(client.get().uri("/api/v1/artifacts/sha256:" + "0".repeat(64) + "/chunks/0"), 404, "not held");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "sha256:abc", "sha1:" + "0000000000000000000000000000000000000000",
            "sha256:" + "Z000000000000000000000000000000000000000000000000000000000000000"})
    void malformedDigestIsABadRequest(String digest) {
        problem(client.get().uri("/api/v1/artifacts/" + digest), 400, "digest");
    }

    @Test
    void nameResolvesToTheLatestDigest() {
        publish("releases/v1/app.tar", randomBytes(10, 113));
        String latest = publish("releases/v1/app.tar", randomBytes(10, 114));

        client.get().uri("/api/v1/names/releases/v1/app.tar").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.name").isEqualTo("releases/v1/app.tar")
                .jsonPath("$.digest").isEqualTo(latest);
    }

    @Test
    void unknownNameIsNotFound() {
        problem(client.get().uri("/api/v1/names/never/published"), 404, "never/published");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Upper", "a..b", "-lead"})
    void malformedNameIsABadRequest(String name) {
        problem(client.get().uri("/api/v1/names/" + name), 400, "name");
        problem(client.put().uri("/api/v1/artifacts?name=" + name).bodyValue(new byte[1]), 400, "name");
    }

    @Test
    void publishWithoutANameIsABadRequest() {
        problem(client.put().uri("/api/v1/artifacts").bodyValue(new byte[1]), 400, "name");
    }

    @Test
    void replicateOfAHeldArtifactWithAWaitAnswersCompleteAtOnce() {
        String digest = publish("replicate/held", randomBytes(CHUNK, 216));

        client.post().uri("/api/v1/artifacts/" + digest + "/replicate?wait=30s").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.digest").isEqualTo(digest).jsonPath("$.state").isEqualTo("complete");
        client.post().uri("/api/v1/artifacts/" + digest + "/replicate").exchange()
                .expectStatus().isAccepted()
                .expectBody().jsonPath("$.state").isEqualTo("running");
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "-1s", "2h", "10q"})
    void replicateWithAnInvalidWaitIsABadRequest(String wait) {
        String digest = publish("replicate/bad-wait", randomBytes(CHUNK, 217));

        problem(client.post().uri("/api/v1/artifacts/" + digest + "/replicate?wait=" + wait), 400, "wait");
    }

    @Test
    void deleteRemovesTheArtifact() {
        String digest = publish("to-delete", randomBytes(CHUNK, 115));

        client.delete().uri("/api/v1/artifacts/" + digest).exchange().expectStatus().isNoContent();

        problem(client.get().uri("/api/v1/artifacts/" + digest), 404, "not held");
        problem(client.delete().uri("/api/v1/artifacts/" + digest), 404, "not held");
        problem(client.get().uri("/api/v1/names/to-delete"), 404, "to-delete");
    }

    @Test
    void zeroByteArtifactIsServedEmptyAndHasNoRanges() {
        String digest = publish("empty.bin", new byte[0]);
        assertThat(digest).isEqualTo("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

        client.get().uri("/api/v1/artifacts/" + digest).exchange()
                .expectStatus().isOk().expectHeader().contentLength(0);
        client.get().uri("/api/v1/artifacts/" + digest).header(HttpHeaders.RANGE, "bytes=0-0").exchange()
                .expectStatus().isEqualTo(416);
        problem(client.get().uri("/api/v1/artifacts/" + digest + "/chunks/0"), 404, "outside");
    }

    @Test
    void statusDescribesThisAgent() {
        String digest = publish("status/x", randomBytes(CHUNK, 116));

        client.get().uri("/api/v1/status").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.id").isEqualTo("api-test")
                .jsonPath("$.zone").isEqualTo("zone-a")
                .jsonPath("$.uptimeSeconds").isNumber()
                .jsonPath("$.store.usedBytes").value(v -> assertThat(((Number) v).longValue()).isPositive())
                .jsonPath("$.rates.inBytesPerSecond").isNumber()
                .jsonPath("$.artifacts[?(@.digest == '%s')].name".formatted(digest)).isEqualTo("status/x")
                .jsonPath("$.uploadSlots").isEqualTo(16)
                .jsonPath("$.counters.verificationFailures").isEqualTo(0)
                .jsonPath("$.counters.peersBanned").isEqualTo(0)
                .jsonPath("$.recentProblems").isArray()
                .jsonPath("$.distributions").isArray();
    }

    @Test
    void unknownPathIsAProblemNotAnError() {
        problem(client.get().uri("/api/v1/nothing-here"), 404, "");
    }

    @Test
    void wrongMethodIsAProblem() {
        client.patch().uri("/api/v1/status").exchange()
                .expectStatus().isEqualTo(405)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    private String publish(String name, byte[] content) {
        return client.put().uri("/api/v1/artifacts?name=" + name).bodyValue(content).exchange()
                .expectStatus().isCreated()
                .expectBody(ArtifactViews.PublishResult.class).returnResult().getResponseBody().digest();
    }

    static void problem(WebTestClient.RequestHeadersSpec<?> request, int status, String detailContains) {
        request.exchange()
                .expectStatus().isEqualTo(status)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(status)
                .jsonPath("$.detail").value(d -> assertThat((String) d).contains(detailContains));
    }
}
