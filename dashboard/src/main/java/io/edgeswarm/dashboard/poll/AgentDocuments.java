package io.edgeswarm.dashboard.poll;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The parts of an agent's JSON the dashboard reads; unknown fields are ignored so agents can evolve. */
public final class AgentDocuments {

    private AgentDocuments() {
    }

    /** One entry of {@code GET /api/v1/swarm/members}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record MemberDoc(String id, String address, String gossipAddress, String zone, Map<String, String> labels,
            String state, long incarnation, int load) {
    }

    /** {@code GET /api/v1/status}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record StatusDoc(String id, String zone, Map<String, String> labels, String version, Instant startedAt,
            long uptimeSeconds, List<ArtifactDoc> artifacts, Rates rates, Store store, List<String> peers,
            List<DownloadDoc> downloads, int uploadSlotsInUse, int uploadSlots, Counters counters,
            List<ProblemDoc> recentProblems, List<CampaignDoc> distributions) {

        public StatusDoc {
            labels = labels == null ? Map.of() : labels;
            artifacts = artifacts == null ? List.of() : artifacts;
            rates = rates == null ? new Rates(0, 0) : rates;
            store = store == null ? new Store(0, 0, null) : store;
            peers = peers == null ? List.of() : peers;
            downloads = downloads == null ? List.of() : downloads;
            counters = counters == null ? new Counters(0, 0) : counters;
            recentProblems = recentProblems == null ? List.of() : recentProblems;
            distributions = distributions == null ? List.of() : distributions;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Rates(double inBytesPerSecond, double outBytesPerSecond) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Store(long usedBytes, long freeBytes, Long maxBytes) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Counters(long verificationFailures, long peersBanned) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ArtifactDoc(String digest, String name, long size, int chunkCount, int heldChunks, double progress,
            boolean complete, boolean origin) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DownloadDoc(String digest, double progress, boolean complete, double bytesPerSecond, int peers,
            String error, long elapsedSeconds, Long etaSeconds, Map<String, Long> bytesBySource) {

        public DownloadDoc {
            bytesBySource = bytesBySource == null ? Map.of() : bytesBySource;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ProblemDoc(Instant at, String kind, String message) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CampaignDoc(String id, String digest, Selector selector, Instant createdAt, List<String> targets,
            Map<String, String> startErrors) {

        public CampaignDoc {
            targets = targets == null ? List.of() : targets;
            startErrors = startErrors == null ? Map.of() : startErrors;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Selector(Map<String, String> labels, String zone) {
    }
}
