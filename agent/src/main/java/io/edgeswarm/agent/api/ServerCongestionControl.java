package io.edgeswarm.agent.api;

import io.edgeswarm.agent.config.EdgeswarmProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;
import reactor.netty.http.server.HttpServer;

/**
 * Gives every connection the HTTP server accepts the TCP congestion control named by
 * {@code edgeswarm.transfer.congestion-control} ({@code TCP_CONGESTION}). The sender's choice is the one that counts,
 * and the server's connections carry what an agent sends in bulk: chunks to peers, artifacts to clients. An agent can
 * so choose its own where it may not set the host's or pod's {@code net.ipv4.tcp_congestion_control}. In the lab,
 * with an origin's first sends in turns, CUBIC kept the origin's link full where BBR left it 5-10 % idle, most
 * likely because BBR's other flows grow into the rate a finished turn frees only at their next probe
 * (docs/benchmarks.md, twenty-fourth round).
 *
 * <p>A name the kernel lacks or does not allow stops the agent at start-up ({@link CongestionControl}). Blank: the
 * kernel's default, nothing set.
 */
@Component
class ServerCongestionControl implements NettyServerCustomizer {

    private static final Logger log = LoggerFactory.getLogger(ServerCongestionControl.class);

    private final CongestionControl chosen;

    ServerCongestionControl(EdgeswarmProperties properties) {
        this.chosen = CongestionControl.named(properties.transfer().congestionControl(), "congestion-control");
        if (chosen.set()) {
            log.info("Connections the HTTP server accepts use TCP congestion control {}", chosen.name());
        }
    }

    @Override
    public HttpServer apply(HttpServer server) {
        if (!chosen.set()) {
            return server;
        }
        return server.doOnChannelInit((observer, channel, remoteAddress) -> chosen.apply(channel));
    }
}
