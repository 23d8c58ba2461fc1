package io.edgeswarm.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerNetwork;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * Agent containers from the image built in this build, on a Docker network with aliases, distribute an artifact
 * while one is killed, one paused and one cut off from the network; every survivor ends with verified content.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerSwarmIT {

    private static final int HTTP = 7700;
    private static final int SIZE = 48 * 1024 * 1024;
    private static final String CLUSTER_KEY = "container-test-cluster-key";
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private final Network network = Network.newNetwork();
    private final List<GenericContainer<?>> all = new ArrayList<>();
    private GenericContainer<?> origin;

    @BeforeAll
    void startSwarm() {
        LocalImages.build();
        origin = agent("origin", "zone-a", false);
        origin.start();
        for (String[] spec : new String[][] {{"a1", "zone-a"}, {"a2", "zone-a"}, {"b1", "zone-b"}, {"b2", "zone-b"},
                {"b3", "zone-b"}}) {
            agent(spec[0], spec[1], true);
        }
        all.stream().filter(c -> c != origin).parallel().forEach(GenericContainer::start);
    }

    @AfterAll
    void stopSwarm() {
        all.forEach(GenericContainer::stop);
        network.close();
    }

    private GenericContainer<?> agent(String id, String zone, boolean seeded) {
        GenericContainer<?> c = new GenericContainer<>(LocalImages.AGENT)
                .withImagePullPolicy(name -> false)
                .withNetwork(network).withNetworkAliases(id)
                .withEnv("EDGESWARM_NODEID", id).withEnv("EDGESWARM_ZONE", zone)
                .withEnv("EDGESWARM_GOSSIP_CLUSTERKEY", CLUSTER_KEY)
                .withEnv("EDGESWARM_GOSSIP_PROBEINTERVAL", "500ms").withEnv("EDGESWARM_GOSSIP_PROBETIMEOUT", "200ms")
                .withEnv("EDGESWARM_GOSSIP_GOSSIPINTERVAL", "100ms")
                .withEnv("EDGESWARM_GOSSIP_RECONNECTINTERVAL", "2s")
                // Slow enough that the faults land mid-transfer.
                .withEnv("EDGESWARM_TRANSFER_MAXDOWNLOADRATE", "6MB")
                .withEnv("JAVA_OPTS", "-Xmx160m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
                .withExposedPorts(HTTP)
                .waitingFor(Wait.forHttp("/actuator/health/readiness").forPort(HTTP)
                        .withStartupTimeout(Duration.ofSeconds(120)));
        if (seeded) {
            c.withEnv("EDGESWARM_GOSSIP_SEEDS", "origin:7946");
        }
        all.add(c);
        return c;
    }

    @Test
    void survivorsOfAKillAPauseAndADisconnectAllHoldTheVerifiedArtifact() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> aliveMembers(origin) == 6);
        byte[] content = new byte[SIZE];
        new SplittableRandom(6).nextBytes(content);
        String digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        HttpResponse<String> published = CLIENT.send(HttpRequest.newBuilder(url(origin,
                        "/api/v1/artifacts?name=it/container.bin")).PUT(HttpRequest.BodyPublishers.ofByteArray(content))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(published.statusCode()).as(published.body()).isEqualTo(201);

        GenericContainer<?> killed = all.get(1);
        GenericContainer<?> paused = all.get(3);
        GenericContainer<?> cutOff = all.get(4);
        await().atMost(Duration.ofSeconds(30)).until(() -> all.stream().skip(1)
                .allMatch(c -> post(c, "/api/v1/artifacts/" + digest + "/replicate") == 202));
        await().atMost(Duration.ofSeconds(60)).until(() -> progress(killed, digest) >= 0.2);

        DockerClient docker = DockerClientFactory.instance().client();
        docker.killContainerCmd(killed.getContainerId()).exec();
        docker.pauseContainerCmd(paused.getContainerId()).exec();
        String networkId = network.getId();
        docker.disconnectFromNetworkCmd().withNetworkId(networkId).withContainerId(cutOff.getContainerId()).exec();
        Thread.sleep(15_000);
        docker.unpauseContainerCmd(paused.getContainerId()).exec();
        docker.connectToNetworkCmd().withNetworkId(networkId).withContainerId(cutOff.getContainerId())
                .withContainerNetwork(new ContainerNetwork().withAliases(List.of("b2"))).exec();

        List<GenericContainer<?>> survivors = all.stream().filter(c -> c != killed).toList();
        try {
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> survivors.stream().allMatch(c -> progress(c, digest) >= 1.0));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            for (GenericContainer<?> c : survivors) {
                System.err.printf("%s progress %.3f%n%s%n", c.getNetworkAliases(), progress(c, digest),
                        c.getLogs().lines().filter(l -> l.contains("WARN") || l.contains("ERROR"))
                                .reduce("", (a, b) -> a + "\n" + b));
            }
            throw e;
        }
        for (GenericContainer<?> survivor : survivors) {
            assertThat(sha256Of(survivor, digest)).as(survivor.getNetworkAliases().toString()).isEqualTo(digest);
        }
        // The survivors see the killed agent as dead.
        await().atMost(Duration.ofSeconds(60)).until(() -> aliveMembers(origin) == 5);
    }

    private static URI url(GenericContainer<?> c, String path) {
        return URI.create("http://" + c.getHost() + ":" + c.getMappedPort(HTTP) + path);
    }

    /**
     * A GET run inside the container, so it works whatever happened to the container's networks (a container cut
     * off and reconnected loses its host port mapping). The base images have wget (busybox or Debian's).
     */
    private static String get(GenericContainer<?> c, String path) {
        try {
            // busybox's static wget crashes with -T, so `timeout` bounds it instead.
            var result = c.execInContainer("timeout", "10", "wget", "-q", "-O", "-", "http://127.0.0.1:" + HTTP + path);
            return result.getExitCode() == 0 ? result.getStdout() : "";
        } catch (Exception e) {
            return "";
        }
    }

    private static int post(GenericContainer<?> c, String path) {
        try {
            return CLIENT.send(HttpRequest.newBuilder(url(c, path)).POST(HttpRequest.BodyPublishers.noBody())
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static long aliveMembers(GenericContainer<?> c) {
        return get(c, "/api/v1/swarm/members").split("\"state\":\"alive\"", -1).length - 1;
    }

    /** Progress of the artifact on that agent, 1.0 once complete; 0 when unknown or unreachable. */
    private static double progress(GenericContainer<?> c, String digest) {
        String status = get(c, "/api/v1/status");
        int at = status.indexOf("\"digest\":\"" + digest + "\"");
        if (at < 0) {
            return 0;
        }
        String entry = status.substring(at, status.indexOf('}', at));
        if (entry.contains("\"complete\":true")) {
            return 1.0;
        }
        int p = entry.indexOf("\"progress\":");
        return p < 0 ? 0 : Math.min(0.999, Double.parseDouble(entry.substring(p + 11).split("[,}]")[0]));
    }

    /** SHA-256 of the content the agent serves, computed inside its container as a client there would. */
    private static String sha256Of(GenericContainer<?> c, String digest) throws Exception {
        var result = c.execInContainer("sh", "-c", "timeout 60 wget -q -O - http://127.0.0.1:" + HTTP
                + "/api/v1/artifacts/" + digest + " | sha256sum");
        assertThat(result.getExitCode()).as(result.getStderr()).isZero();
        return "sha256:" + result.getStdout().trim().split("\\s+")[0];
    }
}
