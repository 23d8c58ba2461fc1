package io.edgeswarm.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.edgeswarm.agent.storage.Digest;
import io.edgeswarm.agent.storage.Manifest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** A manifest's gzipped form: the same JSON once inflated, about half its size, and ready after a publish. */
class GzippedManifestsTest {

    private final JsonMapper json = JsonMapper.builder().build();
    private final GzippedManifests manifests = new GzippedManifests(json);

    @Test
    void inflatesToTheSameJsonAtAboutHalfTheSize() throws IOException {
        Manifest manifest = manifest(512, 1);

        byte[] gzipped = manifests.body(manifest);

        byte[] plain = json.writeValueAsBytes(manifest);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            assertThat(in.readAllBytes()).isEqualTo(plain);
        }
        assertThat((double) gzipped.length / plain.length).isBetween(0.45, 0.65);
        assertThat(manifests.body(manifest)).as("compressed once, then kept").isSameAs(gzipped);
    }

    @Test
    void aPublishedManifestIsCompressedBeforeItsFirstRequest() {
        Manifest manifest = manifest(64, 2);
        assertThat(manifests.cached(manifest)).isNull();

        manifests.prepare(manifest);

        await().atMost(Duration.ofSeconds(10)).until(() -> manifests.cached(manifest) != null);
    }

    private static Manifest manifest(int chunks, long seed) {
        Random random = new Random(seed);
        List<Digest> digests = new ArrayList<>();
        for (int i = 0; i < chunks; i++) {
            byte[] digest = new byte[32];
            random.nextBytes(digest);
            digests.add(Digest.of(digest));
        }
        byte[] whole = new byte[32];
        random.nextBytes(whole);
        return new Manifest(Digest.of(whole), "m", chunks * 1024L, 1024, digests);
    }
}
