package io.edgeswarm.agent.api;

import io.edgeswarm.agent.api.ArtifactViews.ArtifactSummary;
import io.edgeswarm.agent.api.ArtifactViews.PublishResult;
import io.edgeswarm.agent.config.EdgeswarmProperties;
import io.edgeswarm.agent.metrics.TransferMetrics;
import io.edgeswarm.agent.security.Signing;
import io.edgeswarm.agent.storage.ArtifactName;
import io.edgeswarm.agent.storage.ArtifactNotFoundException;
import io.edgeswarm.agent.storage.ArtifactStore;
import io.edgeswarm.agent.storage.ChunkRegion;
import io.edgeswarm.agent.storage.Digest;
import io.edgeswarm.agent.storage.InvalidInputException;
import io.edgeswarm.agent.storage.Manifest;
import io.edgeswarm.agent.storage.StoredArtifact;
import io.edgeswarm.agent.swarm.HoldingsHeader;
import io.edgeswarm.agent.swarm.HoldingsNews;
import io.edgeswarm.agent.swarm.OriginFirstPass;
import io.edgeswarm.agent.swarm.SwarmCatalog;
import io.edgeswarm.agent.swarm.SwarmHeaders;
import io.edgeswarm.agent.swarm.SwarmService;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Publish, list, read, and delete artifacts; peers fetch chunks through {@link ChunkRoute}. */
@RestController
@RequestMapping("/api/v1/artifacts")
class ArtifactController {

    /** The longest a replicate may hold its request open; proxies and clients rarely wait longer. */
    private static final Duration MAX_REPLICATE_WAIT = Duration.ofHours(1);
    /** Artifacts are immutable, so clients and caches may keep them as long as they like. */
    static final CacheControl IMMUTABLE = CacheControl.maxAge(Duration.ofDays(365)).cachePublic().immutable();
    private static final String GZIP = "gzip";
    private static final String GZIP_TAG_SUFFIX = "-" + GZIP;

    private final ArtifactStore store;
    private final TransferMetrics metrics;
    private final SwarmService swarm;
    private final OriginFirstPass firstPass;
    private final SwarmCatalog catalog;
    private final Signing signing;
    private final HoldingsNews news;
    private final GzippedManifests gzippedManifests;
    private final Duration bodyReadTimeout;

    ArtifactController(ArtifactStore store, TransferMetrics metrics, SwarmService swarm,
            OriginFirstPass firstPass, SwarmCatalog catalog, Signing signing, HoldingsNews news,
            GzippedManifests gzippedManifests, EdgeswarmProperties properties) {
        this.news = news;
        this.gzippedManifests = gzippedManifests;
        this.firstPass = firstPass;
        this.signing = signing;
        this.bodyReadTimeout = properties.limits().readTimeout();
        this.catalog = catalog;
        this.store = store;
        this.metrics = metrics;
        this.swarm = swarm;
    }

    /**
     * @param chunkSize the chunk size the publisher wants ({@code 256KB}, {@code 1MB} or bytes), from 64 KiB up to
     *     {@code edgeswarm.transfer.chunk-size}; without it, the agent's chunk sizing decides
     */
    @PutMapping
    Mono<ResponseEntity<PublishResult>> publish(@RequestParam String name,
            @RequestParam(required = false) String chunkSize, ServerHttpRequest request) {
        ArtifactName artifactName = new ArtifactName(name);
        signing.publishRefusal().ifPresent(reason -> {
            throw new UnsignedPublishException(reason);
        });
        // A client that stops sending mid-body is cut off rather than holding a connection and a temp file forever.
        var body = request.getBody().timeout(bodyReadTimeout, Flux.error(() -> new RequestBodyTimeoutException(
                "the request body stopped arriving for " + bodyReadTimeout.toSeconds() + " s")));
        var published = chunkSize == null
                ? store.publish(artifactName, body, request.getHeaders().getContentLength())
                : store.publish(artifactName, body, parseChunkSize(chunkSize));
        return published
                .doOnSuccess(manifest -> {
                    metrics.published(manifest.size());
                    gzippedManifests.prepare(manifest);
                })
                .doOnError(error -> metrics.publishFailed())
                .map(manifest -> ResponseEntity.created(URI.create("/api/v1/artifacts/" + manifest.digest()))
                        .body(PublishResult.of(manifest, name)));
    }

    /** The brief's diagram names POST as well as PUT: both publish. */
    @PostMapping
    Mono<ResponseEntity<PublishResult>> publishByPost(@RequestParam String name,
            @RequestParam(required = false) String chunkSize, ServerHttpRequest request) {
        return publish(name, chunkSize, request);
    }

    private static DataSize parseChunkSize(String text) {
        try {
            return DataSize.parse(text);
        } catch (IllegalArgumentException | ArithmeticException e) { // malformed, or too large for a long
            throw new InvalidInputException("chunkSize must be a size such as 256KB, 1MB or 65536, got '"
                    + ProblemResponses.echoed(text) + "'");
        }
    }

    /** What this agent holds, and with {@code scope=swarm} (the default) what the rest of the swarm holds too. */
    @GetMapping
    List<ArtifactSummary> list(@RequestParam(name = "scope", defaultValue = "swarm") String scope) {
        if ("local".equals(scope)) {
            return ArtifactViews.summaries(store, digest -> -1);
        }
        if (!"swarm".equals(scope)) {
            throw new InvalidInputException("scope must be 'local' or 'swarm', got '"
                    + ProblemResponses.echoed(scope) + "'");
        }
        return ArtifactViews.swarmSummaries(store, catalog);
    }

    /** Content from disk when held whole; otherwise fetched from the swarm and streamed as chunks verify. */
    @GetMapping("/{digest}")
    Mono<Void> content(@PathVariable String digest, @RequestHeader(value = HttpHeaders.RANGE, required = false)
            String range, @RequestHeader(value = HttpHeaders.IF_RANGE, required = false) String ifRange,
            ServerHttpResponse response) {
        return swarm.open(Digest.parse(digest)).flatMap(artifact -> {
            Manifest manifest = artifact.manifest();
            String etag = "\"" + manifest.digest().hex() + "\"";
            boolean rangeApplies = ifRange == null || ifRange.equals(etag);
            ByteRange part = rangeApplies ? ByteRange.of(range, manifest.size()) : ByteRange.whole(manifest.size());
            HttpHeaders headers = response.getHeaders();
            headers.setContentType(MediaType.APPLICATION_OCTET_STREAM);
            headers.set(HttpHeaders.ACCEPT_RANGES, "bytes");
            headers.setETag(etag);
            headers.setCacheControl(IMMUTABLE);
            if (part.partial()) {
                response.setStatusCode(HttpStatus.PARTIAL_CONTENT);
                headers.set(HttpHeaders.CONTENT_RANGE, part.contentRange(manifest.size()));
            }
            if (artifact.isComplete()) {
                ChunkRegion region = artifact.contentRegion(part.start(), part.length());
                return RegionWriter.write(response, region)
                        .doOnSuccess(done -> metrics.served("content", source(artifact), "client",
                                region.length()));
            }
            headers.setContentLength(part.length());
            return response.writeWith(ContentStreamer.stream(artifact, part, response.bufferFactory(),
                            swarm.noSourceTimeout())
                    .doOnNext(buffer -> metrics.served("content", source(artifact), "client",
                            buffer.readableByteCount())));
        });
    }

    /**
     * Which chunks this agent holds, as the bytes of a little-endian bitset (java.util.BitSet#toByteArray). A peer that
     * polls while fetching the artifact itself names itself and sends its own bitfield, which this agent's download
     * of the artifact, if any, takes as news (as from a chunk request). With {@code wait} (e.g. {@code 2s}) the answer
     * waits until this agent holds a chunk missing from the poller's bitfield, or until the wait is over
     * ({@link HoldingsNews}); 503 when too many polls wait already.
     */
    @GetMapping(value = "/{digest}/bitfield", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    Mono<byte[]> bitfield(@PathVariable String digest,
            @RequestParam(name = "wait", required = false) String wait,
            @RequestHeader(name = SwarmHeaders.REQUESTER, required = false) String requester,
            @RequestHeader(name = HoldingsHeader.NAME, required = false) String holdings) {
        Digest parsed = Digest.parse(digest);
        Duration waitFor = parseWait(wait, EdgeswarmProperties.Transfer.MAX_HOLDINGS_WAIT);
        StoredArtifact artifact = store.require(parsed);
        swarm.peerAnnounced(parsed, requester, holdings, "peer_poll");
        if (waitFor.isZero()) {
            return Mono.just(artifact.bitfield().toByteArray());
        }
        return news.await(artifact, holdings, waitFor)
                .orElseThrow(HoldingsWaitersFullException::new);
    }

    /**
     * Fetches the artifact into this agent's store in the background; progress shows in the status. With
     * {@code wait} (e.g. {@code 10m}), answers only once the artifact is complete and verified ({@code 200}), when
     * the download fails (its problem), or when the wait is over ({@code 202}, still running): one request instead
     * of a polling loop for scripts that must not go on before the bytes are here.
     */
    @PostMapping("/{digest}/replicate")
    Mono<ResponseEntity<Map<String, String>>> replicate(@PathVariable String digest,
            @RequestParam(name = "wait", required = false) String wait) {
        Digest target = Digest.parse(digest);
        Duration waitFor = parseWait(wait, MAX_REPLICATE_WAIT);
        Map<String, String> running = Map.of("digest", target.toString(), "state", "running",
                "status", "/api/v1/status");
        return swarm.open(target).flatMap(artifact -> {
            Mono<StoredArtifact> fetch = swarm.fetch(target).cache();
            fetch.subscribe(done -> { }, error -> { });
            if (waitFor.isZero()) {
                return Mono.just(ResponseEntity.accepted().body(running));
            }
            return fetch.map(done -> ResponseEntity.ok(Map.of("digest", target.toString(), "state", "complete")))
                    .timeout(waitFor, Mono.just(ResponseEntity.accepted().body(running)));
        });
    }

    private static Duration parseWait(String wait, Duration max) {
        if (wait == null || wait.isBlank()) {
            return Duration.ZERO;
        }
        Duration parsed;
        try {
            parsed = DurationStyle.detectAndParse(wait);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("wait must be a duration such as 30s or 10m, got '" + wait + "'");
        }
        if (parsed.isNegative() || parsed.compareTo(max) > 0) {
            throw new InvalidInputException("wait must be between 0s and " + max.toSeconds() + "s"
                    + ", got '" + wait + "'");
        }
        return parsed;
    }

    /**
     * The manifest, with this agent's bitfield in {@link HoldingsHeader#NAME} (as a chunk reply carries it): a peer that
     * starts a download here can ask for chunks at once instead of polling the bitfield first. The header is a hint
     * that only grows stale by missing chunks, so the immutable caching of the manifest itself does no harm. Gzipped
     * when the request allows it ({@link GzippedManifests}), with an entity tag of its own, as RFC 9110 asks of a
     * different content coding.
     */
    @GetMapping("/{digest}/manifest")
    Mono<ResponseEntity<Object>> manifest(@PathVariable String digest,
            @RequestHeader(name = HttpHeaders.ACCEPT_ENCODING, required = false) String acceptEncoding) {
        StoredArtifact artifact = store.require(Digest.parse(digest));
        Manifest manifest = artifact.manifest();
        ResponseEntity.BodyBuilder response = ResponseEntity.ok().cacheControl(IMMUTABLE)
                .varyBy(HttpHeaders.ACCEPT_ENCODING);
        HoldingsHeader.encode(artifact.bitfield()).ifPresent(held -> response.header(HoldingsHeader.NAME, held));
        response.header(SwarmHeaders.ORIGIN, Boolean.toString(artifact.isOrigin()));
        if (!AcceptEncoding.allowsGzip(acceptEncoding)) {
            response.eTag(manifest.digest().hex());
            return Mono.just(response.body(manifest));
        }
        response.eTag(manifest.digest().hex() + GZIP_TAG_SUFFIX).contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.CONTENT_ENCODING, GZIP);
        byte[] cached = gzippedManifests.cached(manifest);
        if (cached != null) {
            return Mono.just(response.body(cached));
        }
        return Mono.fromCallable(() -> response.<Object>body(gzippedManifests.body(manifest)))
                .subscribeOn(Schedulers.boundedElastic());
    }

    @DeleteMapping("/{digest}")
    Mono<ResponseEntity<Void>> delete(@PathVariable String digest) {
        Digest target = Digest.parse(digest);
        return Mono.fromCallable(() -> store.delete(target))
                .subscribeOn(Schedulers.boundedElastic())
                .map(deleted -> {
                    if (!deleted) {
                        throw new ArtifactNotFoundException("artifact " + target + " is not held here");
                    }
                    firstPass.forget(target);
                    return ResponseEntity.noContent().<Void>build();
                });
    }

    private static String source(StoredArtifact artifact) {
        return artifact.isOrigin() ? "origin" : "peer";
    }
}
