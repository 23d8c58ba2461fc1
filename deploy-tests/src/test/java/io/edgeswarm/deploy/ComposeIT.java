package io.edgeswarm.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The repository's docker-compose.yml, validated and brought up once on the local engine with the images built in
 * this build: every agent joins, the dashboard sees them all, and an artifact published to the origin comes out of
 * an agent in the other zone intact. Prometheus cannot be pulled here, so its configuration and rules are checked
 * with promtool instead of being run.
 */
class ComposeIT {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @Test
    void composeBringsUpASwarmThatDistributesAndIsWatched() throws Exception {
        LocalImages.build();
        Map<String, String> env = new HashMap<>();
        env.put("COMPOSE_PROJECT_NAME", "edgeswarm-it-" + ProcessHandle.current().pid());
        env.put("EDGESWARM_AGENT_IMAGE", LocalImages.AGENT);
        env.put("EDGESWARM_DASHBOARD_IMAGE", LocalImages.DASHBOARD);
        env.put("BASE_IMAGE", LocalImages.BASE);
        int origin = freePort();
        int b2 = freePort();
        int dashboard = freePort();
        env.put("ORIGIN_PORT", Integer.toString(origin));
        env.put("AGENT_B2_PORT", Integer.toString(b2));
        env.put("DASHBOARD_PORT", Integer.toString(dashboard));
        for (String name : List.of("AGENT_A1_PORT", "AGENT_A2_PORT", "AGENT_B1_PORT", "PROMETHEUS_PORT")) {
            env.put(name, Integer.toString(freePort()));
        }

        assertThat(run(env, "docker-compose", "config", "-q")).isEqualTo("");
        assertThat(run(Map.of(), "promtool", "check", "config", "deploy/prometheus/prometheus.yml"))
                .contains("SUCCESS");
        try {
            run(env, "docker-compose", "up", "-d", "--no-build", "origin", "agent-a1", "agent-a2", "agent-b1",
                    "agent-b2", "dashboard");

            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    get(dashboard, "/").contains("id=\"members-alive\">5<"));
            byte[] content = new byte[8 * 1024 * 1024];
            new SplittableRandom(8).nextBytes(content);
            String digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(content));
            HttpResponse<String> published = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + origin + "/api/v1/artifacts?name=compose/demo.bin"))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(published.statusCode()).as(published.body()).isEqualTo(201);

            await().atMost(Duration.ofSeconds(60)).until(() -> get(b2, "/api/v1/names/compose/demo.bin")
                    .contains(digest));
            HttpResponse<byte[]> fetched = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + b2
                    + "/api/v1/artifacts/" + digest)).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(fetched.statusCode()).isEqualTo(200);
            assertThat(fetched.body()).isEqualTo(content);
            await().atMost(Duration.ofSeconds(90)).until(() -> run(env, "docker-compose", "ps")
                    .lines().filter(l -> l.contains("(healthy)")).count() == 6);
        } finally {
            run(env, "docker-compose", "down", "-v", "--remove-orphans");
        }
    }

    /** Runs a command in the repository root, bounded in time; fails on a non-zero exit. */
    private static String run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(line).directory(REPO.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        builder.environment().put("COMPOSE_DOCKER_CLI_BUILD", "0");
        Process process = builder.start();
        if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in " + COMMAND_TIMEOUT);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + process.exitValue() + ":\n" + output);
        }
        return output;
    }

    private static String get(int port, String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
