package io.edgeswarm.dashboard.poll;

import io.edgeswarm.dashboard.config.DashboardProperties;
import io.edgeswarm.dashboard.poll.AgentDocuments.MemberDoc;
import io.edgeswarm.dashboard.poll.AgentDocuments.Selector;
import io.edgeswarm.dashboard.poll.AgentDocuments.StatusDoc;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/** Reads agents' membership and status, and starts campaigns; every call bounded by the request timeout. */
@Component
public class AgentClient {

    /** The largest status document read; hundreds of artifacts and downloads fit easily. */
    private static final int MAX_BODY = 4 * 1024 * 1024;

    /** Below agents' 60 s idle timeout, so a poll never reuses a connection the agent is closing. */
    private static final Duration POOL_MAX_IDLE = Duration.ofSeconds(30);

    private final WebClient client;
    private final Duration timeout;

    public AgentClient(DashboardProperties properties, SslBundles bundles) {
        this.timeout = properties.requestTimeout();
        HttpClient http = secure(properties, bundles, HttpClient.create(ConnectionProvider.builder("dashboard-agents")
                        .maxConnections(properties.concurrency() * 2).pendingAcquireTimeout(timeout)
                        .maxIdleTime(POOL_MAX_IDLE).build())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .responseTimeout(timeout));
        this.client = WebClient.builder().clientConnector(new ReactorClientHttpConnector(http))
                .codecs(c -> c.defaultCodecs().maxInMemorySize(MAX_BODY)).build();
    }

    /** Presents the configured client certificate to agents that require mutual TLS. */
    private static HttpClient secure(DashboardProperties properties, SslBundles bundles, HttpClient http) {
        if (properties.tlsBundle().isBlank()) {
            return http;
        }
        SslBundle bundle = bundles.getBundle(properties.tlsBundle());
        SslContext context;
        try {
            context = SslContextBuilder.forClient().keyManager(bundle.getManagers().getKeyManagerFactory())
                    .trustManager(bundle.getManagers().getTrustManagerFactory()).build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build a TLS client from SSL bundle " + properties.tlsBundle()
                    + ": " + e.getMessage(), e);
        }
        return http.secure(spec -> spec.sslContext(context).handlerConfigurator(handler -> {
            SSLParameters parameters = handler.engine().getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm(properties.tlsVerifyHostname() ? "HTTPS" : null);
            handler.engine().setSSLParameters(parameters);
        }));
    }

    public Mono<List<MemberDoc>> members(String baseUrl) {
        return client.get().uri(baseUrl + "/api/v1/swarm/members").retrieve().bodyToFlux(MemberDoc.class)
                .collectList().timeout(timeout);
    }

    public Mono<StatusDoc> status(String baseUrl) {
        return client.get().uri(baseUrl + "/api/v1/status").retrieve().bodyToMono(StatusDoc.class).timeout(timeout);
    }

    /** What an agent answered to a campaign request: the status code and the body (campaign or problem). */
    public record Answer(int status, Map<String, Object> body) {
    }

    public Mono<Answer> startDistribution(String baseUrl, String digest, Selector selector, String writeToken) {
        return client.post().uri(baseUrl + "/api/v1/distributions")
                .contentType(MediaType.APPLICATION_JSON)
                .headers(h -> {
                    if (writeToken != null && !writeToken.isBlank()) {
                        h.setBearerAuth(writeToken);
                    }
                })
                .bodyValue(Map.of("digest", digest, "selector", selector))
                .exchangeToMono(response -> response.bodyToMono(
                                new org.springframework.core.ParameterizedTypeReference<Map<String, Object>>() { })
                        .defaultIfEmpty(Map.of())
                        .map(body -> new Answer(response.statusCode().value(), body)))
                .timeout(timeout.multipliedBy(5));
    }
}
