package io.edgeswarm.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Meters for bytes moving in and out of this agent. Names and tags are defined here once; DESIGN.md lists them.
 * {@code source} says where fetched bytes came from ({@code local} for a publish to this agent, {@code peer},
 * {@code origin}); {@code locality} whether they crossed zones.
 */
@Component
public class TransferMetrics {

    /** Window of the live rates shown on status pages. */
    private static final int RATE_WINDOW_SECONDS = 10;

    private final MeterRegistry registry;
    private final RateMeter inRate;
    private final RateMeter outRate;
    private final Counter publishesOk;
    private final Counter publishesFailed;
    private final Counter holdingsPolled;
    private final Counter holdingsWithReply;
    private final Counter holdingsWithRequest;
    private final Counter holdingsWithPeerPoll;
    private final Counter holdingsWithManifest;
    private final Counter holdingsWaited;
    private final Counter holdingsNoticed;
    private final Counter noticesSent;
    /**
     * Meters recorded once per chunk, by their tag values. Building and registering a meter per call costs an id,
     * its tags and a registry lookup on every chunk; the tag values come from small fixed sets, so these stay small.
     */
    private final Map<TagValues, Counter> fetchedBytes = new ConcurrentHashMap<>();
    private final Map<TagValues, Counter> servedBytes = new ConcurrentHashMap<>();
    private final Map<String, Timer> chunkRequests = new ConcurrentHashMap<>();

    public TransferMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.inRate = new RateMeter(clock, RATE_WINDOW_SECONDS);
        this.outRate = new RateMeter(clock, RATE_WINDOW_SECONDS);
        this.publishesOk = publishes(registry, "ok");
        this.publishesFailed = publishes(registry, "failed");
        this.holdingsPolled = holdingsLearned(registry, "poll");
        this.holdingsWithReply = holdingsLearned(registry, "reply");
        this.holdingsWithRequest = holdingsLearned(registry, "request");
        this.holdingsWithPeerPoll = holdingsLearned(registry, "peer_poll");
        this.holdingsWithManifest = holdingsLearned(registry, "manifest");
        this.holdingsWaited = holdingsLearned(registry, "wait");
        this.holdingsNoticed = holdingsLearned(registry, "notice");
        this.noticesSent = Counter.builder("edgeswarm.holdings.notices.sent")
                .description("Holdings notices sent to peers fetching the same artifact (one datagram each)")
                .register(registry);
    }

    private static Counter holdingsLearned(MeterRegistry registry, String via) {
        return Counter.builder("edgeswarm.holdings.learned")
                .description("Peers' bitfields a download learned: polled, sent with a chunk, sent with a chunk request, "
                        + "sent with a poll, sent with the manifest, polled waiting for news, or in a peer's notice")
                .tag("via", via).register(registry);
    }

    /**
     * A download learned a peer's bitfield {@code via} {@code poll} (ours), {@code reply} (with a chunk it served us),
     * {@code request} (with a chunk request it sent us), {@code peer_poll} (with its poll of our bitfield) or
     * {@code manifest} (with the manifest it served us), {@code wait} (our poll that waited for news) or
     * {@code notice} (chunks the peer told us it stored, {@code HoldingsNotice}).
     */
    public void holdingsLearned(String via) {
        switch (via) {
            case "poll" -> holdingsPolled.increment();
            case "reply" -> holdingsWithReply.increment();
            case "request" -> holdingsWithRequest.increment();
            case "peer_poll" -> holdingsWithPeerPoll.increment();
            case "manifest" -> holdingsWithManifest.increment();
            case "wait" -> holdingsWaited.increment();
            case "notice" -> holdingsNoticed.increment();
            default -> throw new IllegalArgumentException("unknown source of holdings: " + via);
        }
    }

    /** Holdings notices sent, one per peer told. */
    public void noticesSent(int count) {
        noticesSent.increment(count);
    }

    private static Counter publishes(MeterRegistry registry, String outcome) {
        return Counter.builder("edgeswarm.publishes").description("Artifacts published to this agent")
                .tag("outcome", outcome).register(registry);
    }

    public void published(long bytes) {
        publishesOk.increment();
        fetched("local", "same_zone", bytes);
    }

    public void publishFailed() {
        publishesFailed.increment();
    }

    /** Bytes that arrived and were stored, by source and locality. */
    public void fetched(String source, String locality, long bytes) {
        fetchedBytes.computeIfAbsent(new TagValues(source, locality, ""), key -> Counter
                        .builder("edgeswarm.bytes.fetched").description("Verified bytes stored by this agent")
                        .baseUnit("bytes").tags("source", source, "locality", locality).register(registry))
                .increment(bytes);
        inRate.record(bytes);
    }

    /**
     * Bytes sent, by what asked ({@code chunk} for peers, {@code content} for clients), by the role of this agent's
     * copy ({@code origin} if it was published here, else {@code peer}) and by locality ({@code same_zone} or
     * {@code cross_zone} for a peer, {@code client} for a content read).
     */
    public void served(String endpoint, String source, String locality, long bytes) {
        servedBytes.computeIfAbsent(new TagValues(endpoint, source, locality), key -> Counter
                        .builder("edgeswarm.bytes.served").description("Bytes sent by this agent").baseUnit("bytes")
                        .tags("endpoint", endpoint, "source", source, "locality", locality).register(registry))
                .increment(bytes);
        outRate.record(bytes);
    }

    /** One chunk request answered, with {@code outcome} hit, miss or busy. */
    public void chunkRequest(String outcome, Duration latency) {
        chunkRequests.computeIfAbsent(outcome, key -> Timer.builder("edgeswarm.chunk.requests")
                        .description("Chunk requests answered by this agent").tag("outcome", outcome)
                        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofSeconds(30)).register(registry))
                .record(latency);
    }

    public double inBytesPerSecond() {
        return inRate.bytesPerSecond();
    }

    public double outBytesPerSecond() {
        return outRate.bytesPerSecond();
    }

    /**
     * Up to three tag values of one meter, in the order its builder names them. Looked up for every chunk, so equality
     * is written out: a record's generated methods go through method handles, which the profile showed on this path.
     */
    private record TagValues(String first, String second, String third) {

        @Override
        public boolean equals(Object other) {
            return other instanceof TagValues that && Objects.equals(first, that.first)
                    && Objects.equals(second, that.second) && Objects.equals(third, that.third);
        }

        @Override
        public int hashCode() {
            return (Objects.hashCode(first) * 31 + Objects.hashCode(second)) * 31 + Objects.hashCode(third);
        }
    }
}
