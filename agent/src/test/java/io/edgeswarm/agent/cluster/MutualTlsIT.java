package io.edgeswarm.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Mutual TLS through Spring SSL bundles, with certificates made by the shipped script: agents serve HTTPS, demand a
 * client certificate from the private CA, transfer to each other over it, and turn away clients and agents without
 * one. Health stays on a plain management port for probes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MutualTlsIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    // Kept when a test fails: the agents' logs are in it.
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    static Path work;

    private final List<AgentProcess> all = new ArrayList<>();
    private final Map<AgentProcess, Integer> managementPorts = new HashMap<>();
    private AgentProcess a;
    private AgentProcess b;
    private AgentProcess intruder;
    private HttpClient withCertificate;
    private HttpClient withoutCertificate;
    private HttpClient plain;

    @BeforeAll
    void start() throws Exception {
        Path tls = work.resolve("tls");
        Path rogue = work.resolve("rogue");
        run("../deploy/tls/make-certs.sh", tls.toString(), "agent-a", "agent-b", "operator");
        run("../deploy/tls/make-certs.sh", rogue.toString(), "intruder");
        a = start("agent-a", tls, "agent-a", tls.resolve("ca.crt"));
        b = start("agent-b", tls, "agent-b", tls.resolve("ca.crt"));
        // Trusts the real CA, so it can check the agents, but its own certificate comes from another CA.
        intruder = start("intruder", rogue, "intruder", tls.resolve("ca.crt"));

        withCertificate = client(tls, "operator");
        withoutCertificate = client(tls, null);
        plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> all.stream()
                .allMatch(agent -> status(plain, "http://127.0.0.1:" + managementPorts.get(agent)
                        + "/actuator/health/readiness") == 200));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() ->
                members(b).size() == 3);
    }

    @AfterAll
    void stop() {
        all.forEach(AgentProcess::close);
    }

    @Test
    void agentsTransferOverMutualTlsAndAdvertiseHttps() throws Exception {
        byte[] content = new byte[6 * 1024 * 1024 + 123];
        new Random(7).nextBytes(content);
        HttpResponse<String> published = withCertificate.send(HttpRequest.newBuilder(URI.create(https(a)
                + "/api/v1/artifacts?name=tls/blob.bin")).PUT(HttpRequest.BodyPublishers.ofByteArray(content))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(published.statusCode()).as(published.body()).isEqualTo(201);
        String digest = JSON.readTree(published.body()).get("digest").asString();
        assertThat(digest).isEqualTo("sha256:" + HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(content)));

        assertThat(members(b)).allSatisfy(m -> assertThat(m.get("address").asString()).startsWith("https://"));
        assertThat(status(withCertificate, https(b) + "/api/v1/artifacts/" + digest + "/replicate", "POST"))
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                complete(b, digest));
        HttpResponse<byte[]> copy = withCertificate.send(HttpRequest.newBuilder(URI.create(https(b)
                + "/api/v1/artifacts/" + digest)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(copy.body()).isEqualTo(content);

        // An agent whose certificate the private CA did not sign gets nothing, though gossip told it who holds what.
        int refused = status(operatorTrustingRogueCa(), https(intruder) + "/api/v1/artifacts/" + digest
                + "/replicate", "POST");
        assertThat(refused).isIn(403, 404, 503);
        assertThat(complete(intruder, digest)).isFalse();
    }

    @Test
    void clientsWithoutACertificateOrWithoutTlsAreTurnedAway() {
        assertThatThrownBy(() -> withoutCertificate.send(HttpRequest.newBuilder(URI.create(https(a)
                + "/api/v1/status")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.httpPort
                + "/api/v1/status")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
        assertThat(status(withCertificate, https(a) + "/api/v1/status")).isEqualTo(200);
    }

    private AgentProcess start(String id, Path certs, String name, Path trustedCa) throws IOException {
        int management = AgentProcess.freeTcpPort();
        Map<String, String> properties = new HashMap<>();
        String bundle = "spring.ssl.bundle.pem.peers.";
        properties.put(bundle + "keystore.certificate", "file:" + certs.resolve(name + ".crt"));
        properties.put(bundle + "keystore.private-key", "file:" + certs.resolve(name + ".key"));
        properties.put(bundle + "truststore.certificate", "file:" + trustedCa);
        properties.put("server.ssl.bundle", "peers");
        properties.put("server.ssl.client-auth", "need");
        properties.put("edgeswarm.security.tls-bundle", "peers");
        properties.put("management.server.port", Integer.toString(management));
        properties.put("management.server.ssl.enabled", "false");
        properties.put("edgeswarm.gossip.probe-interval", "500ms");
        properties.put("edgeswarm.gossip.gossip-interval", "100ms");
        properties.put("edgeswarm.transfer.no-source-timeout", "4s");
        if (!all.isEmpty()) {
            properties.put("edgeswarm.gossip.seeds", all.get(0).gossipAddress());
        }
        AgentProcess agent = AgentProcess.start(id, work, properties);
        all.add(agent);
        managementPorts.put(agent, management);
        return agent;
    }

    /** An operator's client for the intruder: the operator's real certificate, trusting the intruder's CA. */
    private HttpClient operatorTrustingRogueCa() throws Exception {
        return client(work.resolve("rogue").resolve("ca.crt"), work.resolve("tls"), "operator");
    }

    private static String https(AgentProcess agent) {
        return "https://localhost:" + agent.httpPort;
    }

    private List<JsonNode> members(AgentProcess agent) {
        try {
            HttpResponse<String> response = withCertificate.send(HttpRequest.newBuilder(URI.create(https(agent)
                    + "/api/v1/swarm/members")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            List<JsonNode> members = new ArrayList<>();
            JSON.readTree(response.body()).forEach(members::add);
            return members;
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    private boolean complete(AgentProcess agent, String digest) {
        HttpClient client = agent == intruder ? plain : withCertificate;
        try {
            String url = agent == intruder ? null : https(agent) + "/api/v1/status";
            if (url == null) {
                return Files.exists(agent.dataDir.resolve("store/artifacts").resolve(digest.substring(7))
                        .resolve("manifest.json"));
            }
            JsonNode status = JSON.readTree(client.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body());
            for (JsonNode artifact : status.get("artifacts")) {
                if (artifact.get("digest").asString().equals(digest)) {
                    return artifact.get("complete").asBoolean();
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int status(HttpClient client, String url) {
        return status(client, url, "GET");
    }

    private static int status(HttpClient client, String url, String method) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create(url)).method(method,
                    HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** A client trusting {@code certs/ca.crt} and presenting {@code certs/name.crt}, or no certificate if null. */
    private static HttpClient client(Path certs, String name) throws Exception {
        return client(certs.resolve("ca.crt"), certs, name);
    }

    private static HttpClient client(Path trustedCa, Path certs, String name) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(trustedCa)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        KeyManagerFactory keyManagers = null;
        if (name != null) {
            Path p12 = certs.resolve(name + ".p12");
            run("openssl", "pkcs12", "-export", "-in", certs.resolve(name + ".crt").toString(), "-inkey",
                    certs.resolve(name + ".key").toString(), "-out", p12.toString(), "-passout", "pass:test");
            KeyStore identity = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(p12)) {
                identity.load(in, "test".toCharArray());
            }
            keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(identity, "test".toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(),
                null);
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(2)).build();
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        return output;
    }
}
