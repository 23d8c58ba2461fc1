package io.edgeswarm.agent.api;

import io.edgeswarm.agent.api.ArtifactViews.ArtifactSummary;
import io.edgeswarm.agent.config.NodeIdentity;
import io.edgeswarm.agent.metrics.TransferMetrics;
import io.edgeswarm.agent.storage.ArtifactStore;
import io.edgeswarm.agent.swarm.Download;
import io.edgeswarm.agent.swarm.DistributionService;
import io.edgeswarm.agent.swarm.RecentProblems;
import io.edgeswarm.agent.swarm.SwarmCatalog;
import io.edgeswarm.agent.swarm.SwarmService;
import io.edgeswarm.agent.swarm.UploadSlots;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** This agent at a glance: who it is, what it holds, how fast bytes move. The dashboard polls it. */
@RestController
class StatusController {

    /** The status document; {@code peers} lists the agents this one exchanges chunks with. */
    record Status(String id, String zone, Map<String, String> labels, String advertiseAddress, String version,
            Instant startedAt, long uptimeSeconds, List<ArtifactSummary> artifacts, Rates rates, Store store,
            List<String> peers, List<Download.DownloadStatus> downloads, int uploadSlotsInUse, int uploadSlots,
            Counters counters, List<RecentProblems.Problem> recentProblems,
            List<DistributionService.CampaignSummary> distributions) {
    }

    /** Totals since this agent started. */
    record Counters(long verificationFailures, long peersBanned, long manifestsRefused) {
    }

    record Rates(double inBytesPerSecond, double outBytesPerSecond) {
    }

    record Store(long usedBytes, long freeBytes, Long maxBytes) {
    }

    private final NodeIdentity identity;
    private final ArtifactStore store;
    private final TransferMetrics metrics;
    private final Clock clock;
    private final SwarmService swarm;
    private final UploadSlots uploadSlots;
    private final SwarmCatalog catalog;
    private final RecentProblems problems;
    private final DistributionService distributions;
    private final Instant startedAt;
    private final String version;

    StatusController(NodeIdentity identity, ArtifactStore store, TransferMetrics metrics, Clock clock,
            SwarmService swarm, UploadSlots uploadSlots, SwarmCatalog catalog, RecentProblems problems,
            DistributionService distributions, ObjectProvider<BuildProperties> build) {
        this.problems = problems;
        this.distributions = distributions;
        this.catalog = catalog;
        this.swarm = swarm;
        this.uploadSlots = uploadSlots;
        this.identity = identity;
        this.store = store;
        this.metrics = metrics;
        this.clock = clock;
        this.startedAt = clock.instant();
        BuildProperties properties = build.getIfAvailable();
        this.version = properties == null ? "dev" : properties.getVersion();
    }

    @GetMapping("/api/v1/status")
    Status status() {
        List<ArtifactSummary> artifacts = ArtifactViews.summaries(store, catalog.holderCounts());
        return new Status(identity.nodeId(), identity.zone(), identity.labels(), identity.advertiseAddress(), version,
                startedAt, Duration.between(startedAt, clock.instant()).toSeconds(), artifacts,
                new Rates(metrics.inBytesPerSecond(), metrics.outBytesPerSecond()),
                new Store(store.storedBytes(), store.freeBytes(), store.maxBytes() > 0 ? store.maxBytes() : null),
                swarm.activePeers(), swarm.downloads(), uploadSlots.inUse(), uploadSlots.capacity(),
                new Counters(swarm.verificationFailures(), swarm.peersBanned(), swarm.manifestsRefused()), problems.list(),
                distributions.campaigns());
    }
}
