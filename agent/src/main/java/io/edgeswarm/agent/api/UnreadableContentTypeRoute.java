package io.edgeswarm.agent.api;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.Map;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers 400 to a request whose Content-Type does not parse, before WebFlux builds its exchange: Spring reads the
 * header there, ahead of any filter, and some junk values (non-ASCII, unbalanced quotes) escape its parser as an
 * unchecked exception, which would end the request with a 500.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class UnreadableContentTypeRoute implements NettyRouteProvider {

    private final JsonMapper json;

    UnreadableContentTypeRoute(JsonMapper json) {
        this.json = json;
    }

    @Override
    public HttpServerRoutes apply(HttpServerRoutes routes) {
        return routes.route(UnreadableContentTypeRoute::unreadableContentType, this::refuse);
    }

    static boolean unreadableContentType(HttpServerRequest request) {
        String value = request.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE);
        if (value == null) {
            return false;
        }
        try {
            MediaType.parseMediaType(value);
            return false;
        } catch (InvalidMediaTypeException e) {
            return false; // Spring answers these itself (415, or ignores them where no body is read)
        } catch (RuntimeException e) {
            return true;
        }
    }

    private Mono<Void> refuse(HttpServerRequest request, HttpServerResponse response) {
        return ProblemResponses.send(request, response, json, HttpStatus.BAD_REQUEST, "Bad Request",
                "the Content-Type header is not a media type", Map.of());
    }
}
