package io.edgeswarm.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Five agent JVMs on loopback join through one seed with an encrypted cluster key, then face a wrong-key intruder,
 * garbage datagrams, kill -9 and SIGSTOP. Runs against the jar this build produced.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GossipClusterIT {

    private static final String KEY = "it-cluster-key-0123456789abcdef";
    /** Faster than the LAN defaults so the test takes seconds, with the same protocol. */
    private static final Map<String, String> TIMING = Map.of(
            "edgeswarm.gossip.probe-interval", "500ms", "edgeswarm.gossip.probe-timeout", "200ms",
            "edgeswarm.gossip.gossip-interval", "100ms", "edgeswarm.gossip.suspicion-mult", "4",
            "edgeswarm.gossip.push-pull-interval", "5s", "edgeswarm.gossip.leave-timeout", "500ms");
    private static final Duration CONVERGE = Duration.ofSeconds(60);

    // Kept when a test fails: the agents' logs are in it.
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    static Path work;

    private final List<AgentProcess> agents = new ArrayList<>();
    private AgentProcess intruder;

    @BeforeAll
    void startFiveAgents() throws IOException {
        assertThat(AgentProcess.JAR).as("the agent jar is built before integration tests").exists();
        AgentProcess seed = AgentProcess.start("it-1", work, withKey(KEY, null));
        agents.add(seed);
        for (int i = 2; i <= 5; i++) {
            agents.add(AgentProcess.start("it-" + i, work, withKey(KEY, seed.gossipAddress())));
        }
    }

    @AfterAll
    void stopAll() {
        agents.forEach(AgentProcess::close);
        if (intruder != null) {
            intruder.close();
        }
    }

    @Test
    @Order(1)
    void fiveAgentsJoinThroughOneSeed() {
        await().atMost(CONVERGE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            for (AgentProcess agent : agents) {
                assertThat(agent.memberStates()).as(agent.id + " sees").hasSize(5).allSatisfy((id, state) ->
                        assertThat(state).isEqualTo("alive"));
            }
        });
    }

    @Test
    @Order(2)
    void memberWithAWrongKeyIsNeverAdmitted() throws Exception {
        intruder = AgentProcess.start("it-intruder", work, withKey("some-other-key-fedcba9876543210",
                agents.get(0).gossipAddress()));
        await().atMost(CONVERGE).until(() -> intruder.get("/actuator/health/readiness") != null);
        double droppedBefore = agents.get(0).metric("edgeswarm_gossip_dropped_total{application=\"edgeswarm-agent\","
                + "reason=\"unauthenticated\"}");

        await().atMost(Duration.ofSeconds(30)).until(() -> agents.get(0).metric(
                "edgeswarm_gossip_dropped_total{application=\"edgeswarm-agent\",reason=\"unauthenticated\"}")
                > droppedBefore);
        Thread.sleep(3_000);

        for (AgentProcess agent : agents) {
            assertThat(agent.memberStates()).doesNotContainKey("it-intruder");
        }
        assertThat(intruder.memberStates()).containsOnlyKeys("it-intruder");
    }

    @Test
    @Order(3)
    void garbageDatagramsAreDroppedAndCounted() throws Exception {
        AgentProcess target = agents.get(1);
        String metric = "edgeswarm_gossip_dropped_total{application=\"edgeswarm-agent\",reason=\"unauthenticated\"}";
        double before = target.metric(metric);
        SplittableRandom random = new SplittableRandom(8);
        int sent = 2_000;
        try (DatagramSocket socket = new DatagramSocket()) {
            for (int i = 0; i < sent; i++) {
                byte[] garbage = new byte[1 + random.nextInt(1400)];
                random.nextBytes(garbage);
                socket.send(new DatagramPacket(garbage, garbage.length, InetAddress.getLoopbackAddress(),
                        target.gossipPort));
                if (i % 10 == 9) {
                    Thread.sleep(2); // paced: a burst would overflow the kernel's socket buffer before we count it
                }
            }
        }

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(target.metric(metric) - before).isEqualTo(sent));
        assertThat(target.memberStates()).hasSize(5).allSatisfy((id, state) -> assertThat(state).isEqualTo("alive"));
    }

    @Test
    @Order(4)
    void killedAndStoppedAgentsAreMarkedDeadAndTheStoppedOneComesBack() throws Exception {
        AgentProcess killed = agents.get(3);
        AgentProcess stopped = agents.get(4);
        killed.killHard();
        stopped.signal("STOP");

        await().atMost(CONVERGE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            for (AgentProcess observer : agents.subList(0, 3)) {
                Map<String, String> states = observer.memberStates();
                assertThat(states).as(observer.id + " sees").containsEntry("it-4", "dead").containsEntry("it-5", "dead");
            }
        });

        stopped.signal("CONT");
        await().atMost(CONVERGE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            for (AgentProcess observer : agents.subList(0, 3)) {
                assertThat(observer.memberStates()).as(observer.id + " sees").containsEntry("it-5", "alive")
                        .containsEntry("it-4", "dead");
            }
        });
    }

    private static Map<String, String> withKey(String key, String seed) {
        Map<String, String> properties = new HashMap<>(TIMING);
        properties.put("edgeswarm.gossip.cluster-key", key);
        if (seed != null) {
            properties.put("edgeswarm.gossip.seeds", seed);
        }
        return properties;
    }
}
