package io.edgeswarm.agent.api;

import io.edgeswarm.agent.config.EdgeswarmProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Guards every mutating API call with the bearer write token when one is configured: 401 without a token, 403 with
 * a wrong one. Tokens are compared in constant time and never logged.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class WriteAccessFilter implements WebFilter {

    private static final Logger log = LoggerFactory.getLogger(WriteAccessFilter.class);
    private static final Set<HttpMethod> MUTATING = Set.of(HttpMethod.PUT, HttpMethod.POST, HttpMethod.DELETE,
            HttpMethod.PATCH);
    private static final String BEARER = "Bearer ";

    private static final long WARN_INTERVAL_MS = 1_000;

    private final byte[] token;
    private final java.util.concurrent.atomic.AtomicLong lastWarnedAt = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong suppressed = new java.util.concurrent.atomic.AtomicLong();
    private final JsonMapper json;

    WriteAccessFilter(EdgeswarmProperties properties, JsonMapper json) {
        this.json = json;
        var security = properties.security();
        this.token = security.writeProtected() ? security.writeToken().getBytes(StandardCharsets.UTF_8) : null;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        var request = exchange.getRequest();
        if (token == null || !MUTATING.contains(request.getMethod())
                || !request.getPath().pathWithinApplication().value().startsWith("/api/")) {
            return chain.filter(exchange);
        }
        String header = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return reject(exchange, HttpStatus.UNAUTHORIZED, "this agent requires 'Authorization: Bearer <write token>'"
                    + " for " + request.getMethod() + " requests");
        }
        byte[] offered = header.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(token, offered)) {
            long now = System.currentTimeMillis();
            long last = lastWarnedAt.get();
            if (now - last >= WARN_INTERVAL_MS && lastWarnedAt.compareAndSet(last, now)) {
                // At most one line a second, so a client hammering wrong tokens cannot flood the log.
                log.warn("Rejected {} {} from {}: wrong write token ({} more rejected since the last line)",
                        request.getMethod(), request.getPath(), request.getRemoteAddress(),
                        suppressed.getAndSet(0));
            } else {
                suppressed.incrementAndGet();
            }
            return reject(exchange, HttpStatus.FORBIDDEN, "the write token is not valid");
        }
        return chain.filter(exchange);
    }

    private Mono<Void> reject(ServerWebExchange exchange, HttpStatus status, String detail) {
        if (status == HttpStatus.UNAUTHORIZED) {
            exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"edgeswarm\"");
        }
        return ProblemResponses.write(exchange, json, status, detail);
    }
}
