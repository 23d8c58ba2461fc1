package io.edgeswarm.agent.cluster;

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
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One agent JVM started from the built jar, on loopback ports of its own, for tests with real processes. */
final class AgentProcess implements AutoCloseable {

    static final Path JAR = Path.of("target", "edgeswarm-agent.jar");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    final String id;
    /** The address the agent binds and advertises: loopback, or its network namespace's address. */
    final String host;
    /** Network namespace it runs in, or null for this one. */
    final String netns;
    final int httpPort;
    final int gossipPort;
    final Path dataDir;
    final Path logFile;
    private final Process process;

    private AgentProcess(String id, String host, String netns, int httpPort, int gossipPort, Path dataDir,
            Path logFile, Process process) {
        this.id = id;
        this.host = host;
        this.netns = netns;
        this.httpPort = httpPort;
        this.gossipPort = gossipPort;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.process = process;
    }

    static AgentProcess start(String id, Path workDir, Map<String, String> properties) throws IOException {
        return start(id, workDir, properties, "127.0.0.1");
    }

    /** Starts on loopback, bound to and advertising {@code host}: an IP address or a name for one. */
    static AgentProcess start(String id, Path workDir, Map<String, String> properties, String host)
            throws IOException {
        return start(id, workDir, properties, freeTcpPort(), freeUdpAndTcpPort(), host, null);
    }

    /** Starts inside network namespace {@code netns}, bound to and advertising {@code host}, on fixed ports. */
    static AgentProcess startIn(String netns, String host, String id, Path workDir, Map<String, String> properties)
            throws IOException {
        return start(id, workDir, properties, NETNS_HTTP_PORT, NETNS_GOSSIP_PORT, host, netns);
    }

    /** Every namespace has its own ports, so agents there can all use the defaults. */
    static final int NETNS_HTTP_PORT = 7700;
    static final int NETNS_GOSSIP_PORT = 7946;

    /** Starts again on the same ports and data directory, as a restarted agent would. */
    AgentProcess restart(Map<String, String> properties) throws IOException {
        return start(id, dataDir.getParent(), properties, httpPort, gossipPort, host, netns);
    }

    private static AgentProcess start(String id, Path workDir, Map<String, String> properties, int http, int gossip,
            String host, String netns) throws IOException {
        Path data = workDir.resolve(id);
        Files.createDirectories(data);
        List<String> command = new ArrayList<>();
        if (netns != null) {
            command.addAll(List.of("ip", "netns", "exec", netns)); // execs java: the PID stays the agent's
        }
        command.addAll(List.of(javaBinary(), "-Xmx128m", "-XX:TieredStopAtLevel=1",
                "-jar", JAR.toAbsolutePath().toString(),
                "--server.port=" + http, "--edgeswarm.node-id=" + id, "--edgeswarm.advertise-address=" + host,
                "--edgeswarm.gossip.bind-address=" + host, "--edgeswarm.gossip.port=" + gossip,
                "--edgeswarm.storage.dir=" + data.resolve("store")));
        properties.forEach((k, v) -> command.add("--" + k + "=" + v));
        Path log = data.resolve("agent-" + System.nanoTime() + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new AgentProcess(id, host, netns, http, gossip, data, log, process);
    }

    String baseUrl() {
        return "http://" + host + ":" + httpPort;
    }

    /** Sends a request with an empty body and returns the status code, or -1. */
    int post(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                    .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("Content-Type",
                        "application/json").POST(HttpRequest.BodyPublishers.ofString(json))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A POST that may be answered late (a replicate that waits), bounded by {@code timeout}. */
    HttpResponse<String> postAndWait(String path, Duration timeout) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(timeout).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Streams a file as a publish; returns the digest the agent reports. */
    String publish(String name, Path file) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl()
                + "/api/v1/artifacts?name=" + name)).PUT(HttpRequest.BodyPublishers.ofFile(file))
                .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IOException("publish answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body()).get("digest").asString();
    }

    /** SHA-256 of the content this agent serves for {@code digest}, as {@code sha256:<hex>}. */
    String downloadDigest(String digest) throws IOException, InterruptedException {
        HttpResponse<java.io.InputStream> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl()
                + "/api/v1/artifacts/" + digest)).timeout(Duration.ofMinutes(2)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.InputStream in = response.body()) {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
            return "sha256:" + java.util.HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Progress (0 to 1) of {@code digest} in this agent's status, or -1 if not listed or not answering. */
    double progress(String digest) {
        JsonNode status = get("/api/v1/status");
        if (status == null) {
            return -1;
        }
        for (JsonNode artifact : status.get("artifacts")) {
            if (artifact.get("digest").asString().equals(digest)) {
                return artifact.get("complete").asBoolean() ? 1.0 : Math.min(0.999, artifact.get("progress")
                        .asDouble());
            }
        }
        return -1;
    }

    /** The error of this agent's download of {@code digest}, active or recently finished, or null. */
    String downloadError(String digest) {
        JsonNode status = get("/api/v1/status");
        if (status == null) {
            return null;
        }
        for (JsonNode download : status.get("downloads")) {
            if (download.get("digest").asString().equals(digest) && download.hasNonNull("error")) {
                return download.get("error").asString();
            }
        }
        return null;
    }

    /** Writes {@code size} bytes of seeded pseudo-random content to {@code file}, 1 MiB at a time. */
    static void writeRandom(Path file, long size, long seed) throws IOException {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        byte[] block = new byte[1 << 20];
        try (java.io.OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += block.length) {
                random.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, size - written));
            }
        }
    }

    /** Sum of every sample of a counter whose line starts with {@code prefix}. */
    double metricSum(String prefix) {
        return scrape().lines().filter(line -> line.startsWith(prefix))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    String gossipAddress() {
        return host + ":" + gossipPort;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    void killHard() {
        process.destroyForcibly();
    }

    void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start().waitFor();
    }

    /** GET a JSON document from this agent, or null if it does not answer in time. */
    JsonNode get(String path) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(
                    baseUrl() + path)).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    String scrape() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/prometheus")).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Value of one Prometheus sample whose line starts with {@code prefix}, or -1. */
    double metric(String prefix) {
        return scrape().lines().filter(line -> line.startsWith(prefix)).findFirst()
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).orElse(-1.0);
    }

    /** Member id to state, as this agent sees the swarm; empty if it does not answer. */
    Map<String, String> memberStates() {
        JsonNode members = get("/api/v1/swarm/members");
        if (members == null) {
            return Map.of();
        }
        List<JsonNode> list = new ArrayList<>();
        members.forEach(list::add);
        return list.stream().collect(Collectors.toMap(m -> m.get("id").asString(), m -> m.get("state").asString()));
    }

    /** How this agent sees member {@code id} (its HTTP and gossip addresses, state...); null if not listed. */
    JsonNode member(String id) {
        JsonNode members = get("/api/v1/swarm/members");
        if (members != null) {
            for (JsonNode member : members) {
                if (member.get("id").asString().equals(id)) {
                    return member;
                }
            }
        }
        return null;
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                signal("CONT");
            } catch (IOException e) {
                // best effort: the process is destroyed next anyway
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.destroy();
            try {
                if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Ports handed to agents come from below the kernel's ephemeral range (32768 and up on Linux), in order from a
     * random start: a port from {@code new ServerSocket(0)} is an ephemeral one, which the kernel may give to some
     * outgoing connection or UDP socket in the seconds before the agent's JVM binds it, and the agent then dies.
     */
    private static final int PORT_RANGE_START = 20_000;
    private static final int PORT_RANGE_END = 32_000;
    private static final java.util.concurrent.atomic.AtomicInteger NEXT_PORT = new java.util.concurrent.atomic
            .AtomicInteger(new java.util.Random().nextInt(PORT_RANGE_END - PORT_RANGE_START));

    static int freeTcpPort() throws IOException {
        return freePort(false);
    }

    /** A port free for both UDP and TCP, since gossip uses both. */
    static int freeUdpAndTcpPort() throws IOException {
        return freePort(true);
    }

    private static int freePort(boolean udpToo) throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = PORT_RANGE_START + Math.floorMod(NEXT_PORT.getAndIncrement(), PORT_RANGE_END - PORT_RANGE_START);
            try (ServerSocket tcp = new ServerSocket(port)) {
                if (!udpToo) {
                    return port;
                }
                try (DatagramSocket udp = new DatagramSocket(port)) {
                    return port;
                }
            } catch (IOException taken) {
                // try the next one
            }
        }
        throw new IOException("no free port in " + PORT_RANGE_START + "-" + PORT_RANGE_END + " after 200 tries");
    }
}
