package io.edgeswarm.dashboard;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Real agent JVMs for the dashboard's browser tests, started from the agent module's jar (built earlier in the same
 * reactor build) on loopback ports, with fast gossip timing so failures show within seconds.
 */
final class Agents implements AutoCloseable {

    static final Path JAR = Path.of("..", "agent", "target", "edgeswarm-agent.jar");
    static final String WRITE_TOKEN = "dashboard-test-token";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** One running agent. */
    record Agent(String id, String zone, int httpPort, int gossipPort, Process process) {

        String url() {
            return "http://127.0.0.1:" + httpPort;
        }
    }

    private final Path work;
    private final List<Agent> agents = new ArrayList<>();

    Agents(Path work) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: build the agent module first "
                    + "(./mvnw verify builds it before the dashboard)");
        }
        this.work = work;
    }

    Agent start(String id, String zone) throws IOException {
        return start(id, zone, List.of());
    }

    /** Starts an agent with extra {@code --property=value} arguments (TLS, say). */
    Agent start(String id, String zone, List<String> extraArguments) throws IOException {
        int http = freePort();
        int gossip = freePort();
        Path data = work.resolve(id);
        Files.createDirectories(data);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-Xmx128m", "-XX:TieredStopAtLevel=1", "-jar", JAR.toAbsolutePath().toString(),
                "--server.port=" + http, "--edgeswarm.node-id=" + id, "--edgeswarm.zone=" + zone,
                "--edgeswarm.advertise-address=127.0.0.1", "--edgeswarm.gossip.bind-address=127.0.0.1",
                "--edgeswarm.gossip.port=" + gossip, "--edgeswarm.storage.dir=" + data.resolve("store"),
                "--edgeswarm.security.write-token=" + WRITE_TOKEN,
                "--edgeswarm.gossip.probe-interval=300ms", "--edgeswarm.gossip.probe-timeout=150ms",
                "--edgeswarm.gossip.gossip-interval=100ms", "--edgeswarm.gossip.suspicion-mult=2",
                "--edgeswarm.gossip.push-pull-interval=5s"));
        if (!agents.isEmpty()) {
            command.add("--edgeswarm.gossip.seeds=127.0.0.1:" + agents.get(0).gossipPort());
        }
        command.addAll(extraArguments);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(data.resolve("agent.log").toFile()).start();
        Agent agent = new Agent(id, zone, http, gossip, process);
        agents.add(agent);
        return agent;
    }

    boolean ready(Agent agent) {
        return status(agent.url() + "/actuator/health/readiness") == 200;
    }

    /** Publishes {@code size} pseudo-random bytes; returns the digest. */
    String publish(Agent agent, String name, int size, long seed) throws IOException, InterruptedException {
        byte[] body = new byte[size];
        new java.util.SplittableRandom(seed).nextBytes(body);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(agent.url()
                        + "/api/v1/artifacts?name=" + name)).header("Authorization", "Bearer " + WRITE_TOKEN)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IOException("publish answered " + response.statusCode() + ": " + response.body());
        }
        String json = response.body();
        int at = json.indexOf("sha256:");
        return json.substring(at, at + 71);
    }

    int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The member list one agent sees, as raw JSON. */
    String members(Agent agent) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(agent.url() + "/api/v1/swarm/members"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    List<Agent> all() {
        return List.copyOf(agents);
    }

    void kill(Agent agent) throws InterruptedException {
        agent.process().destroyForcibly();
        agent.process().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        for (Agent agent : agents) {
            agent.process().destroyForcibly();
        }
        for (Agent agent : agents) {
            try {
                agent.process().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Ports for agents come from below the kernel's ephemeral range (32768 and up on Linux), in order from a random
     * start: an ephemeral port from {@code new ServerSocket(0)} may be given to some outgoing connection or UDP
     * socket in the seconds before the agent's JVM binds it, and the agent then dies.
     */
    private static final int PORT_RANGE_START = 20_000;
    private static final int PORT_RANGE_END = 32_000;
    private static final java.util.concurrent.atomic.AtomicInteger NEXT_PORT = new java.util.concurrent.atomic
            .AtomicInteger(new java.util.Random().nextInt(PORT_RANGE_END - PORT_RANGE_START));

    static int freePort() throws IOException {
        // The gossip port must be free for both UDP and TCP; one check covers both uses.
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = PORT_RANGE_START + Math.floorMod(NEXT_PORT.getAndIncrement(), PORT_RANGE_END - PORT_RANGE_START);
            try (ServerSocket tcp = new ServerSocket(port); DatagramSocket udp = new DatagramSocket(port)) {
                return port;
            } catch (IOException taken) {
                // try the next one
            }
        }
        throw new IOException("no free port in " + PORT_RANGE_START + "-" + PORT_RANGE_END + " after 200 tries");
    }

    Map<String, Agent> byId() {
        Map<String, Agent> map = new java.util.HashMap<>();
        agents.forEach(a -> map.put(a.id(), a));
        return map;
    }
}
