package io.edgeswarm.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * One origin and five agents in two zones, as separate JVMs on loopback, distribute a 200 MiB artifact; then a
 * corrupt peer is banned and an agent killed halfway resumes. Runs against the jar this build produced.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwarmTransferIT {

    private static final long SIZE = 200L * 1024 * 1024;
    private static final String SERVED = "edgeswarm_bytes_served_bytes_total{application=\"edgeswarm-agent\","
            + "endpoint=\"chunk\",";
    private static final String SERVED_CROSS_ZONE = SERVED + "locality=\"cross_zone\",";
    private static final String CROSS_ZONE = "edgeswarm_bytes_fetched_bytes_total{application=\"edgeswarm-agent\","
            + "locality=\"cross_zone\",";
    private static final String FROM_ORIGIN = "edgeswarm_bytes_fetched_bytes_total{application=\"edgeswarm-agent\","
            + "locality=\"same_zone\",source=\"origin\"}";
    private static final String FETCHED = "edgeswarm_bytes_fetched_bytes_total{application=\"edgeswarm-agent\","
            + "locality=";
    private static final String HOLDINGS_FROM_REQUESTS =
            "edgeswarm_holdings_learned_total{application=\"edgeswarm-agent\",via=\"request\"}";
    private static final String HOLDINGS_FROM_PEER_POLLS =
            "edgeswarm_holdings_learned_total{application=\"edgeswarm-agent\",via=\"peer_poll\"}";
    private static final String HOLDINGS_FROM_WAITS =
            "edgeswarm_holdings_learned_total{application=\"edgeswarm-agent\",via=\"wait\"}";
    private static final String HOLDINGS_FROM_NOTICES =
            "edgeswarm_holdings_learned_total{application=\"edgeswarm-agent\",via=\"notice\"}";
    private static final String NOTICES_SENT =
            "edgeswarm_holdings_notices_sent_total{application=\"edgeswarm-agent\"}";
    private static final String HOLDINGS_FROM_MANIFESTS =
            "edgeswarm_holdings_learned_total{application=\"edgeswarm-agent\",via=\"manifest\"}";
    private static final Duration TRANSFER = Duration.ofMinutes(3);
    private static final String NAMED_HOST = "localhost";
    private static final String GOSSIP_MALFORMED =
            "edgeswarm_gossip_dropped_total{application=\"edgeswarm-agent\",reason=\"malformed\"}";

    // Kept when a test fails: the agents' logs are in it.
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    static Path work;

    private final List<AgentProcess> all = new ArrayList<>();
    private AgentProcess origin;
    private final List<AgentProcess> agents = new ArrayList<>();
    private String digest;
    private Path file;

    @BeforeAll
    void startSwarmAndPublish() throws Exception {
        origin = start("origin", "zone-a", Map.of());
        // The downloaders advertise a host name, as with certificates issued for names: they gossip its address.
        for (String[] spec : new String[][] {{"a1", "zone-a"}, {"a2", "zone-a"}, {"b1", "zone-b"}, {"b2", "zone-b"},
                {"b3", "zone-b"}}) {
            agents.add(start(spec[0], spec[1], Map.of(), NAMED_HOST));
        }
        file = work.resolve("artifact.bin");
        AgentProcess.writeRandom(file, SIZE, 42);
        await().atMost(Duration.ofSeconds(90)).until(() -> origin.get("/actuator/health/readiness") != null);
        digest = origin.publish("it/model.bin", file);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                agents.stream().allMatch(a -> a.memberStates().size() == 6 && seesHolding(a, "origin", digest)));
    }

    @AfterAll
    void stopAll() {
        all.forEach(AgentProcess::close);
    }

    @Test
    @Order(1)
    void fiveAgentsInTwoZonesReplicateAndEveryCopyVerifies() throws Exception {
        for (AgentProcess agent : agents) {
            assertThat(agent.post("/api/v1/artifacts/" + digest + "/replicate")).isEqualTo(202);
        }

        await().atMost(TRANSFER).pollInterval(Duration.ofSeconds(1)).until(() ->
                agents.stream().allMatch(a -> a.progress(digest) == 1.0));

        for (AgentProcess agent : agents) {
            assertThat(agent.downloadDigest(digest)).as(agent.id).isEqualTo(digest);
        }
        // The name was published on the origin only; every agent resolves it through the swarm.
        assertThat(agents.get(4).get("/api/v1/names/it/model.bin").get("digest").asString()).isEqualTo(digest);
        double originServed = origin.metricSum(SERVED);
        double zoneBCrossZone = agents.stream().filter(a -> a.id.startsWith("b"))
                .mapToDouble(a -> a.metricSum(CROSS_ZONE)).sum();
        double zoneAServedAcross = origin.metricSum(SERVED_CROSS_ZONE) + agents.stream()
                .filter(a -> a.id.startsWith("a")).mapToDouble(a -> a.metricSum(SERVED_CROSS_ZONE)).sum();
        double zoneAFromOrigin = agents.stream().filter(a -> a.id.startsWith("a"))
                .mapToDouble(a -> a.metric(FROM_ORIGIN)).sum();
        // The origin tags what it serves as origin bytes, and its zone's downloaders tag them the same way.
        assertThat(origin.metricSum(SERVED + "locality=\"same_zone\",source=\"origin\"}")).isPositive();
        assertThat(zoneAFromOrigin).isPositive().isLessThanOrEqualTo(originServed);
        // Both sides count the WAN: zone b stored no more across zones than zone a sent across.
        assertThat(zoneBCrossZone).isPositive().isLessThanOrEqualTo(zoneAServedAcross);
        System.out.printf("origin served %.2f copies; zone-b pulled %.2f copies across zones%n", originServed / SIZE,
                zoneBCrossZone / SIZE);
        // Downloaders fetching the same artifact tell each other what they hold with every chunk request they send,
        // and with every poll of another's bitfield.
        double learnedFromRequests = agents.stream().mapToDouble(a -> a.metric(HOLDINGS_FROM_REQUESTS)).sum();
        assertThat(learnedFromRequests).isPositive();
        double learnedFromPeerPolls = agents.stream().mapToDouble(a -> a.metric(HOLDINGS_FROM_PEER_POLLS)).sum();
        assertThat(learnedFromPeerPolls).isPositive();
        // A download with nothing left to ask of the peers still fetching (at the latest when it has all they hold)
        // polls them with a wait, and they answer when they have news.
        double learnedFromWaits = agents.stream().mapToDouble(a -> a.metric(HOLDINGS_FROM_WAITS)).sum();
        assertThat(learnedFromWaits).isPositive();
        // Downloads told each other of the chunks they stored, on the gossip socket, and the others learned from it.
        // They advertise a name: a notice is taken only from its member's gossip address, which is the name's IP.
        assertThat(agents.stream().mapToDouble(a -> a.metric(NOTICES_SENT)).sum()).isPositive();
        assertThat(agents.stream().mapToDouble(a -> a.metric(HOLDINGS_FROM_NOTICES)).sum()).isPositive();
        assertThat(agents).allSatisfy(a -> assertThat(a.metric(GOSSIP_MALFORMED)).as(a.id).isZero());
        AgentProcess named = agents.get(0);
        var view = origin.member(named.id);
        assertThat(view.get("address").asString()).isEqualTo("http://" + NAMED_HOST + ":" + named.httpPort);
        assertThat(view.get("gossipAddress").asString()).isEqualTo("127.0.0.1:" + named.gossipPort);
        // Each download learned what the manifest's server holds with the manifest, without polling it first.
        assertThat(agents).allSatisfy(a -> assertThat(a.metric(HOLDINGS_FROM_MANIFESTS)).as(a.id).isEqualTo(1));
        // Client-server would have the origin send 5 copies.
        assertThat(originServed / SIZE).isLessThan(2.5);
        // Zone b pulls each chunk across the WAN about once (measured 1.2 to 1.5 with three downloaders there).
        assertThat(zoneBCrossZone / SIZE).isLessThan(1.6);
    }

    @Test
    @Order(2)
    void peerWithCorruptChunksOnDiskIsBannedAndNothingCorruptSpreads() throws Exception {
        AgentProcess liar = agents.get(2);
        corruptEveryChunk(liar, digest);
        AgentProcess newcomer = start("c1", "zone-b", Map.of());
        await().atMost(Duration.ofSeconds(60)).until(() -> newcomer.memberStates().size() == 7);

        // One request that answers when the artifact is complete and verified, instead of polling the status.
        HttpResponse<String> waited = newcomer.postAndWait("/api/v1/artifacts/" + digest + "/replicate?wait="
                + TRANSFER.toSeconds() + "s", TRANSFER.plusSeconds(10));
        assertThat(waited.statusCode()).isEqualTo(200);
        assertThat(waited.body()).contains("\"state\":\"complete\"");
        assertThat(newcomer.progress(digest)).isEqualTo(1.0);

        assertThat(newcomer.downloadDigest(digest)).isEqualTo(digest);
        assertThat(newcomer.metric("edgeswarm_peers_banned_total")).isGreaterThanOrEqualTo(1);
        assertThat(Files.readString(newcomer.logFile)).contains("Banned peer " + liar.id);
    }

    @Test
    @Order(3)
    void agentKilledHalfwayResumesWithoutRefetchingVerifiedChunks() throws Exception {
        Map<String, String> slow = Map.of("edgeswarm.transfer.max-download-rate", "20MB");
        AgentProcess resumer = start("r1", "zone-a", slow);
        await().atMost(Duration.ofSeconds(60)).until(() -> resumer.memberStates().size() >= 7);
        // A wait shorter than the transfer: answered 202 when it runs out, and the download goes on.
        HttpResponse<String> waited = resumer.postAndWait("/api/v1/artifacts/" + digest + "/replicate?wait=1s",
                Duration.ofSeconds(30));
        assertThat(waited.statusCode()).isEqualTo(202);
        assertThat(waited.body()).contains("\"state\":\"running\"");
        await().atMost(TRANSFER).pollInterval(Duration.ofMillis(200)).until(() -> resumer.progress(digest) >= 0.4);
        resumer.killHard();
        Thread.sleep(1_000);

        AgentProcess restarted = resumer.restart(withTiming(slow, "zone-a", "r1"));
        all.add(restarted);
        await().atMost(TRANSFER).pollInterval(Duration.ofSeconds(1)).until(() -> restarted.progress(digest) == 1.0);

        assertThat(restarted.downloadDigest(digest)).isEqualTo(digest);
        double fetchedAfterRestart = restarted.metricSum(FETCHED);
        System.out.printf("after the restart the agent fetched %.2f of the artifact%n", fetchedAfterRestart / SIZE);
        assertThat(fetchedAfterRestart / SIZE).isLessThan(0.65);
    }

    @Test
    @Order(4)
    void distributionCampaignReachesExactlyTheSelectedZoneAndIsVisibleFromAnyAgent() throws Exception {
        Path small = work.resolve("campaign.bin");
        AgentProcess.writeRandom(small, 20L * 1024 * 1024, 7);
        AgentProcess starter = agents.get(0);
        String campaignDigest = starter.publish("it/campaign.bin", small);
        await().atMost(Duration.ofSeconds(30)).until(() -> agents.stream()
                .allMatch(a -> seesHolding(a, "a1", campaignDigest)));

        var response = starter.postJson("/api/v1/distributions",
                "{\"digest\":\"" + campaignDigest + "\",\"selector\":{\"zone\":\"zone-b\"}}");
        assertThat(response.statusCode()).isEqualTo(202);
        String id = tools.jackson.databind.json.JsonMapper.builder().build().readTree(response.body()).get("id")
                .asString();

        AgentProcess observer = agents.get(4);
        await().atMost(TRANSFER).pollInterval(Duration.ofSeconds(1)).until(() -> {
            var progress = observer.get("/api/v1/distributions/" + id);
            return progress != null && progress.get("done").asBoolean();
        });
        var progress = observer.get("/api/v1/distributions/" + id);
        assertThat(progress.get("targets").asInt()).isGreaterThanOrEqualTo(3); // b1, b2, b3 (and c1 if started)
        for (var agent : progress.get("agents")) {
            assertThat(agent.get("zone").asString()).isEqualTo("zone-b");
        }
        AgentProcess outsider = agents.get(1); // a2 is not in zone b
        assertThat(outsider.progress(campaignDigest)).isEqualTo(-1);
        // It still lists the artifact, from the swarm catalog, with the name it was published under.
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            var entry = listed(outsider, campaignDigest);
            return entry != null && entry.get("holders").asInt() >= 4; // a1 and zone b
        });
        var listed = listed(outsider, campaignDigest);
        assertThat(listed.get("heldChunks").asInt()).isZero();
        assertThat(listed.get("name").asString()).isEqualTo("it/campaign.bin");
        assertThat(agents.get(3).downloadDigest(campaignDigest)).isEqualTo(campaignDigest);
    }

    @Test
    @Order(5)
    void contentPublishedAMomentAgoIsServedByAnotherAgentBeforeGossipAnnouncesIt() throws Exception {
        Path fresh = work.resolve("fresh.bin");
        AgentProcess.writeRandom(fresh, 6L * 1024 * 1024, 99);
        String freshDigest = origin.publish("it/fresh.bin", fresh);

        // Holdings are announced at most once a second, then gossiped; the reader asks peers directly meanwhile.
        assertThat(agents.get(4).downloadDigest(freshDigest)).isEqualTo(freshDigest);
    }

    @Test
    @Order(6)
    void aDownloadStartsFromTheHolderThatAnsweredWhenGossipHasNotNamedIt() throws Exception {
        // Two agents whose gossip stays silent after the join (no probes, gossip rounds or syncs for an hour), so the
        // holdings of the artifact published below never reach the reader by gossip. Before the reader took the
        // holder that answered its direct question, the download waited for gossip and failed after 10 s.
        Map<String, String> silent = Map.of("edgeswarm.gossip.probe-interval", "1h",
                "edgeswarm.gossip.gossip-interval", "1h", "edgeswarm.gossip.push-pull-interval", "1h",
                "edgeswarm.gossip.reconnect-interval", "1h", "edgeswarm.transfer.no-source-timeout", "10s",
                "edgeswarm.zone", "zone-silent");
        AgentProcess holder = AgentProcess.start("silent-holder", work, silent);
        all.add(holder);
        Map<String, String> readerProperties = new HashMap<>(silent);
        readerProperties.put("edgeswarm.gossip.seeds", holder.gossipAddress());
        AgentProcess reader = AgentProcess.start("silent-reader", work, readerProperties);
        all.add(reader);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> reader.memberStates().size() == 2 && holder.memberStates().size() == 2);
        Path fresh = work.resolve("silent.bin");
        AgentProcess.writeRandom(fresh, 6L * 1024 * 1024, 7);
        String freshDigest = holder.publish("it/silent.bin", fresh);

        assertThat(reader.downloadDigest(freshDigest)).isEqualTo(freshDigest);
        assertThat(seesHolding(reader, "silent-holder", freshDigest)).as("gossip named the holder after all").isFalse();
    }

    private AgentProcess start(String id, String zone, Map<String, String> extra) throws IOException {
        return start(id, zone, extra, "127.0.0.1");
    }

    private AgentProcess start(String id, String zone, Map<String, String> extra, String host) throws IOException {
        AgentProcess agent = AgentProcess.start(id, work, withTiming(extra, zone, id), host);
        all.add(agent);
        return agent;
    }

    private Map<String, String> withTiming(Map<String, String> extra, String zone, String id) {
        Map<String, String> properties = new HashMap<>(extra);
        properties.put("edgeswarm.zone", zone);
        properties.put("edgeswarm.gossip.probe-interval", "500ms");
        properties.put("edgeswarm.gossip.probe-timeout", "200ms");
        properties.put("edgeswarm.gossip.gossip-interval", "100ms");
        properties.put("edgeswarm.gossip.push-pull-interval", "5s");
        properties.put("edgeswarm.transfer.cross-zone-grace", "30s");
        if (origin != null && !id.equals("origin")) {
            properties.put("edgeswarm.gossip.seeds", origin.gossipAddress());
        }
        return properties;
    }

    /** The entry for {@code digest} in the agent's swarm-wide artifact list, or null. */
    private static tools.jackson.databind.JsonNode listed(AgentProcess agent, String digest) {
        var list = agent.get("/api/v1/artifacts");
        if (list != null) {
            for (var entry : list) {
                if (entry.get("digest").asString().equals(digest)) {
                    return entry;
                }
            }
        }
        return null;
    }

    /** Whether {@code observer} has heard, by gossip, that {@code holder} holds {@code digest}. */
    private static boolean seesHolding(AgentProcess observer, String holder, String digest) {
        var members = observer.get("/api/v1/swarm/members");
        if (members == null) {
            return false;
        }
        for (var member : members) {
            if (member.get("id").asString().equals(holder)) {
                for (var held : member.get("artifacts")) {
                    if (digest.substring(7).startsWith(held.get("digestPrefix").asString())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static void corruptEveryChunk(AgentProcess agent, String digest) throws IOException {
        Path data = agent.dataDir.resolve("store").resolve("artifacts").resolve(digest.substring(7)).resolve("data");
        try (RandomAccessFile raf = new RandomAccessFile(data.toFile(), "rw")) {
            for (long offset = 100; offset < raf.length(); offset += 4L * 1024 * 1024) {
                raf.seek(offset);
                int b = raf.read();
                raf.seek(offset);
                raf.write(b ^ 0xFF);
            }
        }
    }
}
