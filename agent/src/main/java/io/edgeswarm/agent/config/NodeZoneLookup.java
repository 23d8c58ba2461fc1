package io.edgeswarm.agent.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads this pod's zone from its node's label through the Kubernetes API ({@code GET /api/v1/nodes/{name}}), with
 * the pod's service account token and the cluster CA. Bounded: a few attempts, each with a timeout; any failure
 * falls back to the configured zone with a log line naming the cause.
 */
final class NodeZoneLookup {

    private static final Logger log = LoggerFactory.getLogger(NodeZoneLookup.class);
    private static final long BACKOFF_MS = 1_000;

    private final EdgeswarmProperties.Kubernetes settings;

    NodeZoneLookup(EdgeswarmProperties.Kubernetes settings) {
        this.settings = settings;
    }

    /** The zone from the node label, if one is configured and the API answers with it. */
    Optional<String> zone() {
        if (settings.zoneNodeLabel().isBlank()) {
            return Optional.empty();
        }
        if (settings.nodeName().isBlank()) {
            log.warn("edgeswarm.kubernetes.zone-node-label is set but the node name is unknown "
                    + "(edgeswarm.kubernetes.node-name); using edgeswarm.zone");
            return Optional.empty();
        }
        for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
            try {
                Optional<String> zone = ask();
                if (zone.isEmpty()) {
                    log.warn("Node {} has no label {}; using edgeswarm.zone", settings.nodeName(),
                            settings.zoneNodeLabel());
                }
                return zone;
            } catch (IOException | GeneralSecurityException e) {
                log.warn("Reading the zone of node {} failed (attempt {} of {}): {}", settings.nodeName(), attempt,
                        settings.attempts(), e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
            if (attempt < settings.attempts()) {
                try {
                    Thread.sleep(BACKOFF_MS * attempt);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
        }
        log.warn("Giving up on the node label; using edgeswarm.zone");
        return Optional.empty();
    }

    private Optional<String> ask() throws IOException, GeneralSecurityException, InterruptedException {
        Path token = settings.serviceAccountDir().resolve("token");
        Path ca = settings.serviceAccountDir().resolve("ca.crt");
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(settings.timeout());
        if (Files.exists(ca)) {
            client.sslContext(trusting(ca));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(settings.apiUrl() + "/api/v1/nodes/"
                + settings.nodeName())).timeout(settings.timeout()).header("Accept", "application/json");
        if (Files.exists(token)) {
            request.header("Authorization", "Bearer " + Files.readString(token).trim());
        }
        HttpResponse<String> response = client.build().send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("the API server answered " + response.statusCode() + " for node "
                    + settings.nodeName());
        }
        return zoneFrom(response.body(), settings.zoneNodeLabel());
    }

    /** The label's value in a Node object's JSON. */
    static Optional<String> zoneFrom(String nodeJson, String label) {
        JsonNode value = JsonMapper.builder().build().readTree(nodeJson).path("metadata").path("labels").path(label);
        return value.isString() && !value.asString().isBlank() ? Optional.of(value.asString()) : Optional.empty();
    }

    private static SSLContext trusting(Path caFile) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            int n = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + n++, certificate);
            }
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
