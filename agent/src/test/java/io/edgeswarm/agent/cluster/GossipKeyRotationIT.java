package io.edgeswarm.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documented rotation of the gossip key on a running swarm, one agent restarted at a time: accept the new key,
 * send with it, forget the old one. After every single restart the whole swarm sees every member alive, and at the
 * end an agent holding only the old key is no longer admitted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GossipKeyRotationIT {

    private static final String OLD = "rotation-old-key-0123456789";
    private static final String NEW = "rotation-new-key-9876543210";
    private static final int SIZE = 3;
    private static final Duration CONVERGE = Duration.ofSeconds(60);

    // Kept when a test fails: the agents' logs are in it.
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    static Path work;

    private final List<AgentProcess> agents = new ArrayList<>();
    private AgentProcess stale;

    @AfterAll
    void stop() {
        agents.forEach(AgentProcess::close);
        if (stale != null) {
            stale.close();
        }
    }

    @Test
    void aRollingThreeStepRotationNeverSplitsTheSwarm() throws Exception {
        for (int i = 0; i < SIZE; i++) {
            agents.add(AgentProcess.start("rot-" + i, work, keys(OLD, null, i)));
        }
        awaitWhole("before the rotation");

        rollingRestart(OLD, NEW, "step 1: accept the new key");
        rollingRestart(NEW, OLD, "step 2: send with the new key");
        rollingRestart(NEW, null, "step 3: forget the old key");

        stale = AgentProcess.start("stale", work, keys(OLD, null, SIZE));
        Thread.sleep(8_000);
        for (AgentProcess agent : agents) {
            assertThat(agent.memberStates()).as(agent.id + " after the rotation").doesNotContainKey("stale")
                    .hasSize(SIZE);
        }
    }

    private void rollingRestart(String primary, String previous, String step) throws IOException {
        for (int i = 0; i < SIZE; i++) {
            AgentProcess old = agents.get(i);
            old.close();
            agents.set(i, old.restart(keys(primary, previous, i)));
            awaitWhole(step + ", after restarting " + old.id);
        }
    }

    /** Every agent sees every agent alive. */
    private void awaitWhole(String when) {
        await(when).atMost(CONVERGE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            for (AgentProcess agent : agents) {
                Map<String, String> states = agent.memberStates();
                assertThat(states.values().stream().filter("alive"::equals).count()).as(agent.id + " sees " + states)
                        .isEqualTo(SIZE);
            }
        });
    }

    private Map<String, String> keys(String primary, String previous, int index) {
        Map<String, String> properties = new HashMap<>(Map.of(
                "edgeswarm.gossip.probe-interval", "500ms", "edgeswarm.gossip.probe-timeout", "200ms",
                "edgeswarm.gossip.gossip-interval", "100ms", "edgeswarm.gossip.push-pull-interval", "3s",
                "edgeswarm.gossip.reconnect-interval", "2s", "edgeswarm.gossip.leave-timeout", "500ms",
                "edgeswarm.gossip.cluster-key", primary));
        if (previous != null) {
            properties.put("edgeswarm.gossip.previous-keys", previous);
        }
        // Each agent joins through another, so a restarted seed still finds the swarm.
        if (!agents.isEmpty()) {
            AgentProcess seed = agents.get(index == 0 ? agents.size() - 1 : 0);
            properties.put("edgeswarm.gossip.seeds", seed.gossipAddress());
        }
        return properties;
    }
}
