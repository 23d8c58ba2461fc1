package io.edgeswarm.agent.api;

import io.edgeswarm.agent.config.EdgeswarmProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;
import reactor.netty.http.server.HttpServer;

/**
 * Bounds what clients can hold of the server: open connections and idle keep-alive time, so stuck clients cannot pin
 * connections forever. A body that stops arriving is cut off where bodies are read (a publish), not here: Reactor
 * Netty's own read timeout left some kept-alive requests unanswered in our tests.
 */
@Component
class HttpServerLimits implements NettyServerCustomizer {

    private static final Logger log = LoggerFactory.getLogger(HttpServerLimits.class);

    private final EdgeswarmProperties.Limits limits;
    private final AtomicInteger open = new AtomicInteger();
    private final Counter refused;

    HttpServerLimits(EdgeswarmProperties properties, MeterRegistry registry) {
        this.limits = properties.limits();
        Gauge.builder("edgeswarm.http.connections", open, AtomicInteger::get)
                .description("Open HTTP connections").register(registry);
        this.refused = Counter.builder("edgeswarm.http.connections.refused")
                .description("HTTP connections closed on arrival because max-connections were open")
                .register(registry);
    }

    @Override
    public HttpServer apply(HttpServer server) {
        return server.idleTimeout(limits.idleTimeout())
                .doOnChannelInit((observer, channel, remoteAddress) -> {
                    if (open.incrementAndGet() > limits.maxConnections()) {
                        open.decrementAndGet();
                        refused.increment();
                        if (refused.count() == 1 || (long) refused.count() % 1000 == 0) {
                            log.warn("Refusing connections: {} open (edgeswarm.limits.max-connections); {} refused "
                                    + "so far", limits.maxConnections(), (long) refused.count());
                        }
                        channel.close();
                        return;
                    }
                    channel.closeFuture().addListener(closed -> open.decrementAndGet());
                });
    }
}
