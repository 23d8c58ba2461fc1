package io.edgeswarm.agent.api;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes an RFC 9457 problem document straight to the response, for filters and routes that answer before any
 * handler.
 */
final class ProblemResponses {

    /** Client input longer than this is cut when a problem's detail quotes it back. */
    private static final int MAX_ECHOED = 20;

    private ProblemResponses() {
    }

    /** Client input as a problem's detail quotes it: at most {@link #MAX_ECHOED} characters, then "...". */
    static String echoed(String input) {
        return input.length() > MAX_ECHOED ? input.substring(0, MAX_ECHOED) + "..." : input;
    }

    static Mono<Void> write(ServerWebExchange exchange, JsonMapper json, HttpStatus status, String detail) {
        var response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        byte[] body = json.writeValueAsBytes(problem(status, status.getReasonPhrase(), detail,
                exchange.getRequest().getPath().value(), Map.of()));
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    /** The same for a Reactor Netty route ({@link ChunkRoute}), which answers before WebFlux. */
    static Mono<Void> send(HttpServerRequest request, HttpServerResponse response, JsonMapper json, HttpStatus status,
            String title, String detail, Map<String, Object> properties) {
        byte[] body = json.writeValueAsBytes(problem(status, title, detail, rawPath(request), properties));
        response.status(status.value())
                .header(HttpHeaderNames.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE)
                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length));
        if (HttpMethod.HEAD.equals(request.method())) {
            return response.send().then();
        }
        return response.sendByteArray(Mono.just(body)).then();
    }

    /** A route's request path as sent: Reactor Netty's decoded path throws on characters a URI may not hold. */
    static String rawPath(HttpServerRequest request) {
        String uri = request.uri();
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }

    /** The problem document's fields in the order Spring writes them; {@code instance} only if it is a URI path. */
    static Map<String, Object> problem(HttpStatus status, String title, String detail, String path,
            Map<String, Object> properties) {
        var problem = new LinkedHashMap<String, Object>();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", status.value());
        problem.put("detail", detail);
        if (isUriReference(path)) {
            problem.put("instance", path);
        }
        problem.putAll(properties);
        return problem;
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
