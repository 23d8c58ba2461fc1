package io.edgeswarm.agent.security;

import io.edgeswarm.agent.config.EdgeswarmProperties;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslContextBuilder;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import reactor.netty.http.client.HttpClient;

/**
 * TLS towards peers: the client side of {@code edgeswarm.security.tls-bundle}. The server side is Spring Boot's own
 * {@code server.ssl.*}; the agent refuses to start with one side set and not the other, since it would then advertise
 * a scheme it does not serve.
 */
@Component
public class PeerTls {

    private final Optional<SslContext> context;
    private final boolean verifyHostname;

    public PeerTls(EdgeswarmProperties properties, SslBundles bundles, Environment environment) {
        EdgeswarmProperties.Security security = properties.security();
        this.verifyHostname = security.tlsVerifyHostname();
        String serverBundle = environment.getProperty("server.ssl.bundle", "");
        if (security.tls() && serverBundle.isBlank()) {
            throw new IllegalStateException("edgeswarm.security.tls-bundle is set but server.ssl.bundle is not: "
                    + "peers would be told to use https on a plain HTTP port");
        }
        if (!security.tls() && !serverBundle.isBlank()) {
            throw new IllegalStateException("server.ssl.bundle is set but edgeswarm.security.tls-bundle is not: "
                    + "this agent would advertise http on an https port and could not reach TLS peers");
        }
        this.context = security.tls() ? Optional.of(clientContext(bundles.getBundle(security.tlsBundle())))
                : Optional.empty();
    }

    /** {@code http} with TLS towards peers when configured; unchanged otherwise. */
    public HttpClient apply(HttpClient http) {
        return context.map(ssl -> http.secure(spec -> spec.sslContext(ssl)
                .handlerConfigurator(handler -> endpointIdentification(handler.engine())))).orElse(http);
    }

    /**
     * A TLS handler for a plain Netty connection to a peer at {@code host:port}, configured as {@link #apply} configures
     * Reactor Netty's client; empty when TLS is not configured.
     */
    public Optional<SslHandler> clientHandler(ByteBufAllocator allocator, String host, int port) {
        return context.map(ssl -> {
            SslHandler handler = ssl.newHandler(allocator, host, port);
            endpointIdentification(handler.engine());
            return handler;
        });
    }

    private void endpointIdentification(SSLEngine engine) {
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm(verifyHostname ? "HTTPS" : null);
        engine.setSSLParameters(parameters);
    }

    static SslContext clientContext(SslBundle bundle) {
        try {
            SslContextBuilder builder = SslContextBuilder.forClient()
                    .keyManager(bundle.getManagers().getKeyManagerFactory())
                    .trustManager(bundle.getManagers().getTrustManagerFactory());
            String[] protocols = bundle.getOptions().getEnabledProtocols();
            if (protocols != null) {
                builder.protocols(protocols);
            }
            String[] ciphers = bundle.getOptions().getCiphers();
            if (ciphers != null) {
                builder.ciphers(java.util.List.of(ciphers));
            }
            return builder.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build a TLS client from the SSL bundle: " + e.getMessage(), e);
        }
    }
}
