package io.edgeswarm.agent.api;

import io.edgeswarm.agent.config.EdgeswarmProperties;
import io.edgeswarm.agent.config.NodeIdentity;
import io.edgeswarm.agent.metrics.TransferMetrics;
import io.edgeswarm.agent.storage.ArtifactNotFoundException;
import io.edgeswarm.agent.storage.ArtifactStore;
import io.edgeswarm.agent.storage.ChunkNotHeldException;
import io.edgeswarm.agent.storage.ChunkRegion;
import io.edgeswarm.agent.storage.Digest;
import io.edgeswarm.agent.storage.InvalidInputException;
import io.edgeswarm.agent.storage.StoredArtifact;
import io.edgeswarm.agent.swarm.FirstSendTurns;
import io.edgeswarm.agent.swarm.HoldingsHeader;
import io.edgeswarm.agent.swarm.OriginFirstPass;
import io.edgeswarm.agent.swarm.SwarmHeaders;
import io.edgeswarm.agent.swarm.SwarmService;
import io.edgeswarm.agent.swarm.UploadSlots;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriUtils;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves {@code GET /api/v1/artifacts/{digest}/chunks/{index}} as a Reactor Netty route in front of WebFlux. Peers
 * send this request once per chunk, so it is the swarm's hottest path; WebFlux's handler mapping, argument resolution
 * and request observation cost more CPU per chunk than sending it, and on a busy host that CPU is what the swarm
 * waits for (docs/benchmarks.md). Answers and problem documents are the same as the rest of the API's.
 */
@Component
class ChunkRoute implements NettyRouteProvider {

    static final String PATH = "/api/v1/artifacts/{digest}/chunks/{index}";
    /** {@link #PATH} for the methods it does not answer, which get 405 rather than WebFlux's 404. */
    private static final Pattern OTHER_METHODS_PATH = Pattern.compile("/api/v1/artifacts/[^/]+/chunks/[^/]+");
    private static final Logger log = LoggerFactory.getLogger(ChunkRoute.class);
    private static final String IMMUTABLE = ArtifactController.IMMUTABLE.getHeaderValue();
    /** Seconds a peer refused for want of an upload slot should wait before asking again. */
    private static final String BUSY_RETRY_AFTER = "1";

    private final ArtifactStore store;
    private final TransferMetrics metrics;
    private final UploadSlots uploadSlots;
    private final OriginFirstPass firstPass;
    private final String zone;
    private final JsonMapper json;
    private final SwarmService swarm;
    private final FirstSendTurns firstSendTurns;
    private final SendLowWater sendLowWater;
    private final CongestionControl firstSendCongestion;

    ChunkRoute(ArtifactStore store, TransferMetrics metrics, UploadSlots uploadSlots, OriginFirstPass firstPass,
            FirstSendTurns firstSendTurns, NodeIdentity identity, JsonMapper json, SwarmService swarm,
            EdgeswarmProperties properties) {
        this.swarm = swarm;
        this.firstSendTurns = firstSendTurns;
        this.sendLowWater = new SendLowWater(properties.transfer().sendLowWater().toBytes());
        this.firstSendCongestion = CongestionControl.forFirstSends(
                properties.transfer().firstSendCongestionControl(), firstSendTurns.enabled());
        this.store = store;
        this.metrics = metrics;
        this.uploadSlots = uploadSlots;
        this.firstPass = firstPass;
        this.zone = identity.zone();
        this.json = json;
    }

    @Override
    public HttpServerRoutes apply(HttpServerRoutes routes) {
        return routes.get(PATH, this::serve)
                .head(PATH, this::serve)
                .route(request -> OTHER_METHODS_PATH.matcher(ProblemResponses.rawPath(request)).matches(),
                        this::methodNotAllowed);
    }

    private Publisher<Void> serve(HttpServerRequest request, HttpServerResponse response) {
        long started = System.nanoTime();
        try {
            return send(request, response, started);
        } catch (InvalidInputException e) {
            return problem(request, response, HttpStatus.BAD_REQUEST, "Invalid input", e.getMessage(), Map.of());
        } catch (ArtifactNotFoundException e) {
            metrics.chunkRequest("miss", elapsedSince(started));
            return problem(request, response, HttpStatus.NOT_FOUND, "Not found", e.getMessage(), Map.of());
        } catch (ChunkNotHeldException e) {
            metrics.chunkRequest("miss", elapsedSince(started));
            return problem(request, response, HttpStatus.NOT_FOUND, "Chunk not held", e.getMessage(), Map.of());
        } catch (UploadSlotsFullException e) {
            metrics.chunkRequest("busy", elapsedSince(started));
            response.header(HttpHeaders.RETRY_AFTER, BUSY_RETRY_AFTER);
            return problem(request, response, HttpStatus.SERVICE_UNAVAILABLE, "Busy", e.getMessage(), Map.of());
        } catch (ChunkSentAlreadyException e) {
            metrics.chunkRequest("sent_already", elapsedSince(started));
            String askInstead = Base64.getEncoder().encodeToString(e.askInstead().toByteArray());
            return problem(request, response, HttpStatus.CONFLICT, "Chunk sent already", e.getMessage(),
                    Map.of(ProblemAdvice.ASK_INSTEAD, askInstead));
        } catch (RuntimeException e) {
            log.error("Serving {} failed", request.uri(), e);
            return problem(request, response, HttpStatus.INTERNAL_SERVER_ERROR, "Internal Server Error",
                    "serving the chunk failed: " + e.getMessage(), Map.of());
        }
    }

    private Mono<Void> send(HttpServerRequest request, HttpServerResponse response, long started) {
        Digest digest = Digest.parse(decoded(request.param("digest")));
        int index = parseIndex(decoded(request.param("index")));
        learnRequesterHoldings(request, digest);
        StoredArtifact artifact = store.require(digest);
        ChunkRegion region = artifact.chunkRegion(index);
        String etag = "\"" + artifact.manifest().chunkDigest(index).hex() + "\"";
        if (HttpMethod.HEAD.equals(request.method())) {
            // Headers only: no upload slot, and the origin's first pass does not count it as sent.
            headers(response, artifact, region, etag);
            return response.send().then();
        }
        String requesterZone = request.requestHeaders().get(SwarmHeaders.REQUESTER_ZONE);
        boolean crossZone = requesterZone != null && !requesterZone.equals(zone);
        Admission admission = admit(artifact, digest, index, request, crossZone);
        headers(response, artifact, region, etag);
        response.header(SwarmHeaders.UPLOADS, Integer.toString(swarm.uploadsInProgress()));
        String locality = requesterZone == null ? "unknown" : crossZone ? "cross_zone" : "same_zone";
        Mono<Void> body = region.length() == 0 ? response.send().then()
                : response.sendFile(region.file(), region.offset(), region.length()).then();
        if (admission.turn() != null) {
            response.withConnection(connection -> {
                sendLowWater.apply(connection.channel());
                firstSendCongestion.apply(connection.channel());
            });
            body = admission.turn().send(body);
        }
        return uploadSlots.pace(region.length())
                .then(body)
                .doOnSuccess(done -> {
                    metrics.served("chunk", artifact.isOrigin() ? "origin" : "peer", locality, region.length());
                    metrics.chunkRequest("hit", elapsedSince(started));
                })
                .doFinally(signal -> {
                    if (admission.turn() != null) {
                        admission.turn().end();
                    } else {
                        uploadSlots.release();
                    }
                    OriginFirstPass.Claim claim = admission.claim();
                    if (claim != null && signal != SignalType.ON_COMPLETE) {
                        firstPass.failed(digest, index, claim);
                    }
                });
    }

    /**
     * Lets a GET be served or throws why not. An origin's first send to its own zone in turns waits for its turn
     * without an upload slot (see {@link FirstSendTurns}); every other send holds a slot. A first send to another zone
     * crosses a WAN link that may carry a fifth of the origin's own rate: in turns it would hold a turn several times
     * as long while the origin's own zone waits (edge sites, thirty-eighth round), so it takes a slot like any chunk.
     */
    private Admission admit(StoredArtifact artifact, Digest digest, int index, HttpServerRequest request,
            boolean crossZone) {
        if (artifact.isOrigin() && firstSendTurns.enabled() && !crossZone) {
            OriginFirstPass.Claim claim = claimed(artifact, digest, index);
            if (claim.first()) {
                // Read only here: every other request would decode the bitfield for nothing.
                boolean emptyHanded = HoldingsHeader.namesNoChunk(request.requestHeaders().get(HoldingsHeader.NAME));
                FirstSendTurns.Turn turn = firstSendTurns.tryAdmit(emptyHanded);
                if (turn == null) {
                    firstPass.failed(digest, index, claim);
                    throw new UploadSlotsFullException();
                }
                return new Admission(claim, turn);
            }
            if (!uploadSlots.tryAcquire()) {
                throw new UploadSlotsFullException();
            }
            return new Admission(claim, null);
        }
        if (!uploadSlots.tryAcquire()) {
            throw new UploadSlotsFullException();
        }
        try {
            return new Admission(artifact.isOrigin() ? claimed(artifact, digest, index) : null, null);
        } catch (ChunkSentAlreadyException e) {
            uploadSlots.release();
            throw e;
        }
    }

    private OriginFirstPass.Claim claimed(StoredArtifact artifact, Digest digest, int index) {
        OriginFirstPass.Claim claim = firstPass.claim(digest, index, artifact.manifest().chunkCount());
        if (!claim.granted()) {
            throw new ChunkSentAlreadyException(index, claim.askInstead());
        }
        return claim;
    }

    /** What a send holds while it runs: its first-pass claim on an origin, and its turn or else an upload slot. */
    private record Admission(OriginFirstPass.Claim claim, FirstSendTurns.Turn turn) {
    }

    /** A downloader that names itself and its bitfield tells a server fetching the same artifact what it holds. */
    private void learnRequesterHoldings(HttpServerRequest request, Digest digest) {
        swarm.peerAnnounced(digest, request.requestHeaders().get(SwarmHeaders.REQUESTER),
                request.requestHeaders().get(HoldingsHeader.NAME), "request");
    }

    private static void headers(HttpServerResponse response, StoredArtifact artifact, ChunkRegion region,
            String etag) {
        response.header(HttpHeaderNames.CONTENT_TYPE, MediaType.APPLICATION_OCTET_STREAM_VALUE)
                .header(HttpHeaderNames.CONTENT_LENGTH, Long.toString(region.length()))
                .header(HttpHeaderNames.ETAG, etag)
                .header(HttpHeaderNames.CACHE_CONTROL, IMMUTABLE)
                .header(SwarmHeaders.ORIGIN, Boolean.toString(artifact.isOrigin()));
        HoldingsHeader.encode(artifact.bitfield()).ifPresent(held -> response.header(HoldingsHeader.NAME, held));
    }

    private Publisher<Void> methodNotAllowed(HttpServerRequest request, HttpServerResponse response) {
        response.header(HttpHeaders.ALLOW, "GET, HEAD");
        return problem(request, response, HttpStatus.METHOD_NOT_ALLOWED, "Method Not Allowed",
                "chunks are read with GET or HEAD, not " + request.method().name(), Map.of());
    }

    private Mono<Void> problem(HttpServerRequest request, HttpServerResponse response, HttpStatus status,
            String title, String detail, Map<String, Object> properties) {
        return ProblemResponses.send(request, response, json, status, title, detail, properties);
    }

    private static String decoded(String pathParameter) {
        try {
            return pathParameter == null ? "" : UriUtils.decode(pathParameter, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("the request path is not a valid URI path");
        }
    }

    private static Duration elapsedSince(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    private static int parseIndex(String index) {
        try {
            int value = Integer.parseInt(index);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidInputException("chunk index must be a non-negative integer, got '"
                + ProblemResponses.echoed(index) + "'");
    }
}
