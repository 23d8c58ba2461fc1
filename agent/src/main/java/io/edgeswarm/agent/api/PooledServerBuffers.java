package io.edgeswarm.agent.api;

import io.edgeswarm.agent.config.NetworkBuffers;
import io.netty.channel.ChannelOption;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;
import reactor.netty.http.server.HttpServer;

/** Accepted connections read into pooled buffers at any heap size ({@link NetworkBuffers}). */
@Component
class PooledServerBuffers implements NettyServerCustomizer {

    @Override
    public HttpServer apply(HttpServer server) {
        return server.childOption(ChannelOption.ALLOCATOR, NetworkBuffers.ALLOCATOR);
    }
}
