package io.edgeswarm.dashboard.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgeswarm.dashboard.config.DashboardProperties;
import io.edgeswarm.dashboard.poll.AgentDocuments.ArtifactDoc;
import io.edgeswarm.dashboard.poll.AgentDocuments.CampaignDoc;
import io.edgeswarm.dashboard.poll.AgentDocuments.Counters;
import io.edgeswarm.dashboard.poll.AgentDocuments.DownloadDoc;
import io.edgeswarm.dashboard.poll.AgentDocuments.MemberDoc;
import io.edgeswarm.dashboard.poll.AgentDocuments.Rates;
import io.edgeswarm.dashboard.poll.AgentDocuments.Selector;
import io.edgeswarm.dashboard.poll.AgentDocuments.StatusDoc;
import io.edgeswarm.dashboard.poll.AgentDocuments.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One poll in, one snapshot out: aggregation across members, campaign progress, and every kind of alert. */
class SnapshotAssemblerTest {

    private static final String DIGEST = "sha256:" + "ab".repeat(32);
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final DashboardProperties PROPERTIES = new DashboardProperties(List.of("http://a:7700"),
            Duration.ofSeconds(2), Duration.ofSeconds(2), 32, Duration.ofMinutes(15), 50, Duration.ofSeconds(30),
            0.9, "", true);

    private final SnapshotAssembler assembler = new SnapshotAssembler(PROPERTIES);

    @Test
    void artifactsAreAggregatedAcrossMembersWithTheirSources() {
        SwarmSnapshot s = assembler.assemble(List.of(member("o", "a", "alive"), member("x", "b", "alive")),
                Map.of("o", status("o", List.of(held(1.0, true, true)), List.of(), List.of(), 0, 10, null),
                        "x", status("x", List.of(held(0.5, false, false)),
                                List.of(download(0.5, 1000, null, Map.of("origin/cross_zone", 500L))), List.of(),
                                0, 10, null)),
                Map.of(), "http://a:7700", T0);

        ArtifactRow artifact = s.artifact(DIGEST).orElseThrow();
        assertThat(artifact.name()).isEqualTo("models/m.bin");
        assertThat(artifact.completeCount()).isEqualTo(1);
        assertThat(artifact.partialCount()).isEqualTo(1);
        assertThat(artifact.byZone()).containsOnlyKeys("a", "b");
        assertThat(artifact.bytesBySource()).containsEntry("origin/cross_zone", 500L);
        assertThat(s.inRate()).isEqualTo(20.0);
        assertThat(s.statesByZone()).containsEntry("a", Map.of("alive", 1)).containsEntry("b", Map.of("alive", 1));
        assertThat(s.alerts()).isEmpty();
    }

    @Test
    void campaignsShowEachTargetsProgressFromItsOwnStatus() {
        CampaignDoc campaign = new CampaignDoc("c1", DIGEST, new Selector(null, "b"), T0, List.of("x", "y"),
                Map.of("y", "unreachable"));
        SwarmSnapshot s = assembler.assemble(List.of(member("o", "a", "alive"), member("x", "b", "alive")),
                Map.of("o", status("o", List.of(held(1.0, true, true)), List.of(), List.of(campaign), 0, 0, null),
                        "x", status("x", List.of(held(1.0, true, false)), List.of(), List.of(), 0, 0, null)),
                Map.of(), "http://a:7700", T0);

        DistributionRow row = s.distribution("c1").orElseThrow();
        assertThat(row.owner()).isEqualTo("o");
        assertThat(row.selector()).isEqualTo("zone=b");
        assertThat(row.artifactName()).isEqualTo("models/m.bin");
        assertThat(row.targets()).extracting(DistributionRow.Target::member).containsExactly("x", "y");
        assertThat(row.targets().get(0).complete()).isTrue();
        assertThat(row.targets().get(1).error()).isEqualTo("unreachable");
        assertThat(row.done()).isFalse();
    }

    @Test
    void deadSuspectUnreachableFullDisksAndBadChunksRaiseAlerts() {
        SwarmSnapshot s = assembler.assemble(
                List.of(member("d", "a", "dead"), member("s", "a", "suspect"), member("u", "a", "alive"),
                        member("f", "a", "alive")),
                Map.of("s", status("s", List.of(), List.of(), List.of(), 0, 0, null),
                        "f", status("f", List.of(), List.of(), List.of(), 3, 0, 100L)),
                Map.of("u", "timed out"), "http://a:7700", T0);

        assertThat(s.member("u").orElseThrow().health()).isEqualTo("unreachable");
        assertThat(s.alerts()).extracting(Alert::message).containsExactlyInAnyOrder(
                "member d is dead", "member s is suspect",
                "member u is alive in gossip but its status did not answer: timed out",
                "f rejected 3 chunks that failed verification and banned 1 peers",
                "f store is 95 % full");
    }

    @Test
    void aTransferWithoutProgressForTheConfiguredTimeIsStalled() {
        List<MemberDoc> members = List.of(member("x", "b", "alive"));
        var stuck = Map.of("x", status("x", List.of(held(0.25, false, false)),
                List.of(download(0.25, 0, null, Map.of())), List.of(), 0, 0, null));

        assertThat(assembler.assemble(members, stuck, Map.of(), "s", T0).alerts()).isEmpty();
        assertThat(assembler.assemble(members, stuck, Map.of(), "s", T0.plusSeconds(29)).alerts()).isEmpty();
        assertThat(assembler.assemble(members, stuck, Map.of(), "s", T0.plusSeconds(30)).alerts())
                .extracting(Alert::message).containsExactly("x made no progress on abababababab for 30 s");

        var failed = Map.of("x", status("x", List.of(), List.of(download(0.25, 0, "no peer served", Map.of())),
                List.of(), 0, 0, null));
        assertThat(assembler.assemble(members, failed, Map.of(), "s", T0.plusSeconds(31)).alerts())
                .extracting(Alert::severity).containsExactly("critical");
    }

    private static MemberDoc member(String id, String zone, String state) {
        return new MemberDoc(id, "http://" + id + ":7700", id + ":7946", zone, Map.of(), state, 1, 0);
    }

    private static ArtifactDoc held(double progress, boolean complete, boolean origin) {
        return new ArtifactDoc(DIGEST, "models/m.bin", 4096, 1, complete ? 1 : 0, progress, complete, origin);
    }

    private static DownloadDoc download(double progress, double rate, String error, Map<String, Long> sources) {
        return new DownloadDoc(DIGEST, progress, false, rate, 1, error, 10, null, sources);
    }

    private static StatusDoc status(String id, List<ArtifactDoc> artifacts, List<DownloadDoc> downloads,
            List<CampaignDoc> campaigns, long badChunks, double rate, Long quota) {
        return new StatusDoc(id, "a", Map.of(), "1.0", T0, 60, artifacts, new Rates(rate, rate),
                new Store(quota == null ? 10 : 95, 1000, quota), List.of(), downloads, 0, 16,
                new Counters(badChunks, badChunks > 0 ? 1 : 0), List.of(), campaigns);
    }
}
