package io.edgeswarm.agent.api;

import java.net.URI;
import java.util.LinkedHashMap;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** Writes an RFC 9457 problem document straight to the response, for filters that answer before any handler. */
final class ProblemResponses {

    private ProblemResponses() {
    }

    static Mono<Void> write(ServerWebExchange exchange, JsonMapper json, HttpStatus status, String detail) {
        var response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        var problem = new LinkedHashMap<String, Object>();
        problem.put("type", "about:blank");
        problem.put("title", status.getReasonPhrase());
        problem.put("status", status.value());
        problem.put("detail", detail);
        String path = exchange.getRequest().getPath().value();
        if (isUriReference(path)) {
            problem.put("instance", path);
        }
        return response.writeWith(Mono.just(response.bufferFactory().wrap(json.writeValueAsBytes(problem))));
    }

    /** Whether {@code path} parses as a URI reference, which Spring needs for a problem's {@code instance}. */
    static boolean isUriReference(String path) {
        try {
            URI uri = URI.create(path);
            return uri.getAuthority() == null && uri.getScheme() == null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
