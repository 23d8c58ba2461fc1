package io.edgeswarm.agent.api;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses request paths that are not URI references (such as {@code //} or {@code //host/x}) with a 400 before any
 * handler sees them: Spring builds a problem's {@code instance} from the path, and failed with a 500 on these.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class MalformedPathFilter implements WebFilter {

    private final JsonMapper json;

    MalformedPathFilter(JsonMapper json) {
        this.json = json;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (ProblemResponses.isUriReference(exchange.getRequest().getPath().value())) {
            return chain.filter(exchange);
        }
        return ProblemResponses.write(exchange, json, HttpStatus.BAD_REQUEST,
                "the request path is not a valid URI path");
    }
}
