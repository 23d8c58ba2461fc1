package io.edgeswarm.agent.swarm;

import io.edgeswarm.agent.storage.Digest;
import io.edgeswarm.agent.security.PeerTls;
import io.edgeswarm.agent.storage.Manifest;
import io.netty.channel.ChannelOption;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/** Talks to other agents' HTTP APIs: manifests, bitfields, chunks and names. Every call has a timeout. */
@Component
public class PeerClient {

    private static final int CONNECT_TIMEOUT_MS = 2_000;
    private static final Duration SMALL_TIMEOUT = Duration.ofSeconds(5);
    /** A campaign's owner asks every target with {@link #SMALL_TIMEOUT}, so whoever relays must wait longer. */
    private static final Duration RELAYED_TIMEOUT = SMALL_TIMEOUT.multipliedBy(2).plusSeconds(2);
    /**
     * Idle pooled connections are dropped before a peer's server would close them (its idle timeout defaults to
     * 60 s), so a request never lands on a connection being closed, and idle ones do not crowd peers' connection caps.
     */
    private static final Duration POOL_MAX_IDLE = Duration.ofSeconds(30);
    /** Room for the largest allowed chunk. */
    private static final int MAX_BODY = 64 * 1024 * 1024 + 1024;

    private final WebClient client;
    private final String zone;

    public PeerClient(io.edgeswarm.agent.config.NodeIdentity identity, PeerTls tls) {
        this.zone = identity.zone();
        HttpClient http = tls.apply(HttpClient.create(ConnectionProvider.builder("edgeswarm-peers").maxConnections(256)
                        .pendingAcquireTimeout(Duration.ofSeconds(10)).maxIdleTime(POOL_MAX_IDLE).build())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS));
        this.client = WebClient.builder().clientConnector(new ReactorClientHttpConnector(http))
                .codecs(c -> c.defaultCodecs().maxInMemorySize(MAX_BODY)).build();
    }

    Mono<Manifest> manifest(Peer peer, Digest digest) {
        return client.get().uri(peer.baseUrl() + "/api/v1/artifacts/{d}/manifest", digest.toString())
                .retrieve().bodyToMono(Manifest.class).timeout(SMALL_TIMEOUT);
    }

    /** Which chunks the peer holds; empty if it does not have the artifact at all (404). */
    Mono<Optional<BitSet>> bitfield(Peer peer, Digest digest) {
        return client.get().uri(peer.baseUrl() + "/api/v1/artifacts/{d}/bitfield", digest.toString())
                .retrieve().bodyToMono(byte[].class).map(bytes -> Optional.of(BitSet.valueOf(bytes)))
                .defaultIfEmpty(Optional.of(new BitSet()))
                .onErrorResume(WebClientResponseException.NotFound.class, e -> Mono.just(Optional.empty()))
                .timeout(SMALL_TIMEOUT);
    }

    /**
     * One chunk's bytes, whether the peer is an origin of the artifact, how long its first answer took, and the
     * peer's bitfield when it sent one (null otherwise). The body is the network's own pooled buffers, joined without
     * a copy: whoever takes a reply must {@link #release()} it.
     */
    record ChunkReply(DataBuffer body, boolean fromOrigin, long latencyNanos, BitSet holdings) {

        int length() {
            return body.readableByteCount();
        }

        void release() {
            DataBufferUtils.release(body);
        }
    }

    Mono<ChunkReply> chunk(Peer peer, Digest digest, int index, Duration timeout) {
        return Mono.defer(() -> {
            long started = System.nanoTime();
            return client.get().uri(peer.baseUrl() + "/api/v1/artifacts/{d}/chunks/{i}", digest.toString(), index)
                    .header(SwarmHeaders.REQUESTER_ZONE, zone)
                    .exchangeToMono(response -> {
                        long latency = System.nanoTime() - started;
                        if (response.statusCode().value() == HttpStatus.SERVICE_UNAVAILABLE.value()) {
                            return response.releaseBody().then(Mono.error(new PeerBusyException(peer.id())));
                        }
                        if (response.statusCode().value() == HttpStatus.CONFLICT.value()) {
                            return response.bodyToMono(SentAlready.class)
                                    .defaultIfEmpty(new SentAlready(null))
                                    .flatMap(body -> Mono.error(new SentAlreadyException(peer.id(), index,
                                            body.askInstead())));
                        }
                        if (response.statusCode().isError()) {
                            return response.<ChunkReply>createError();
                        }
                        HttpHeaders headers = response.headers().asHttpHeaders();
                        boolean origin = Boolean.parseBoolean(headers.getFirst(SwarmHeaders.ORIGIN));
                        BitSet holdings = HoldingsHeader.decode(headers.getFirst(HoldingsHeader.NAME));
                        return response.bodyToMono(DataBuffer.class)
                                .switchIfEmpty(Mono.error(() -> new IllegalStateException(
                                        "peer " + peer.id() + " sent an empty chunk " + index)))
                                .map(body -> new ChunkReply(body, origin, latency, holdings));
                    })
                    .timeout(timeout);
        });
    }

    Mono<Optional<Digest>> resolveName(Peer peer, String name) {
        return client.get().uri(peer.baseUrl() + "/api/v1/names/" + name + "?scope=local").retrieve()
                .bodyToMono(NameAnswer.class).map(answer -> Optional.of(Digest.parse(answer.digest())))
                .onErrorResume(e -> Mono.just(Optional.empty()))
                .timeout(SMALL_TIMEOUT, Mono.just(Optional.empty()));
    }

    /** Asks a member to replicate an artifact; the status code, or the failure. */
    Mono<Integer> replicate(Peer peer, Digest digest, String writeToken) {
        return client.post().uri(peer.baseUrl() + "/api/v1/artifacts/{d}/replicate", digest.toString())
                .headers(h -> {
                    if (writeToken != null && !writeToken.isBlank()) {
                        h.setBearerAuth(writeToken);
                    }
                })
                .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()))
                .timeout(SMALL_TIMEOUT);
    }

    Mono<MemberStatus> status(Peer peer) {
        return client.get().uri(peer.baseUrl() + "/api/v1/status").retrieve().bodyToMono(MemberStatus.class)
                .timeout(SMALL_TIMEOUT);
    }

    Mono<DistributionService.Progress> distribution(Peer peer, String id) {
        return client.get().uri(peer.baseUrl() + "/api/v1/distributions/{id}?scope=local", id).retrieve()
                .bodyToMono(DistributionService.Progress.class).timeout(RELAYED_TIMEOUT);
    }

    /** The part of a member's {@code GET /api/v1/status} that campaigns read. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record MemberStatus(String id, String zone, List<Held> artifacts, List<Active> downloads) {

        @JsonIgnoreProperties(ignoreUnknown = true)
        record Held(String digest, long size, double progress, boolean complete) {
        }

        @JsonIgnoreProperties(ignoreUnknown = true)
        record Active(String digest, double progress, double bytesPerSecond, String error) {
        }
    }

    /** What a member holds itself ({@code GET /api/v1/artifacts?scope=local}). */
    Mono<List<RemoteArtifact>> artifacts(Peer peer) {
        return client.get().uri(peer.baseUrl() + "/api/v1/artifacts?scope=local").retrieve()
                .bodyToFlux(RemoteArtifact.class).collectList().timeout(SMALL_TIMEOUT);
    }

    /** One entry of a member's artifact list. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record RemoteArtifact(String digest, List<String> names, long size, int chunkSize, int chunkCount,
            boolean complete) {
    }

    /** The part of an origin's 409 problem that names the chunks it has not sent yet. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record SentAlready(String askInstead) {
    }

    /** The body of {@code GET /api/v1/names/{name}}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record NameAnswer(String name, String digest) {
    }
}
