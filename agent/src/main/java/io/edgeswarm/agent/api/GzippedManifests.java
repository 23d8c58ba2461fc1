package io.edgeswarm.agent.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.edgeswarm.agent.storage.Digest;
import io.edgeswarm.agent.storage.Manifest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;
import org.springframework.stereotype.Component;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * Manifests as gzipped JSON, compressed once per artifact. Every downloader of an artifact fetches its manifest, most
 * of them from the origin at the same moment, and most of a manifest is hex digests that gzip to 55 % (a 256 MiB
 * artifact in 512 KiB chunks: 72 KB of JSON, 40 KB gzipped; 50 GiB in 4 MiB chunks: 1.8 MB, 0.98 MB). A manifest
 * never changes, so its compressed form is kept and served again.
 */
@Component
class GzippedManifests {

    /** Room for about 800 manifests of 512 chunks, or 34 of the 12,800 chunks of a 50 GiB artifact. */
    static final long CACHE_BYTES = 32L * 1024 * 1024;

    private final JsonMapper json;
    private final Cache<Digest, byte[]> bodies;

    GzippedManifests(JsonMapper json) {
        this.json = json;
        this.bodies = Caffeine.newBuilder().maximumWeight(CACHE_BYTES)
                .<Digest, byte[]>weigher((digest, body) -> body.length).build();
    }

    /** Compresses a new artifact's manifest on a worker thread, before its downloaders ask for it all at once. */
    void prepare(Manifest manifest) {
        Schedulers.boundedElastic().schedule(() -> body(manifest));
    }

    /** The compressed body if it is at hand, else null: compressing a large manifest is work for a worker thread. */
    byte[] cached(Manifest manifest) {
        return bodies.getIfPresent(manifest.digest());
    }

    byte[] body(Manifest manifest) {
        return bodies.get(manifest.digest(), digest -> gzip(json.writeValueAsBytes(manifest)));
    }

    static byte[] gzip(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length / 2);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException("gzip into memory failed", e);
        }
        return out.toByteArray();
    }
}
