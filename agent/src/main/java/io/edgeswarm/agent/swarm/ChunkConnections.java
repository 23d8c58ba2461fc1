package io.edgeswarm.agent.swarm;

import io.edgeswarm.agent.config.NetworkBuffers;
import io.edgeswarm.agent.security.PeerTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import reactor.netty.resources.LoopResources;

/**
 * Keep-alive connections to peers for chunk requests, on plain Netty: one request at a time on a connection, idle
 * ones reused newest first and closed after {@code maxIdle}. A chunk request goes to some peer for every chunk a
 * download fetches, so it is the swarm's hottest request; through Reactor Netty's client its pool, operators and
 * request setup took more CPU per chunk than the server's reply did (docs/benchmarks.md). Connections run on the
 * event loops Reactor Netty's client and server use, so an agent has no threads of its own for them.
 */
final class ChunkConnections implements AutoCloseable {

    /** A peer's HTTP endpoint, from the base URL it advertises: {@code scheme://host:port}, as agents gossip it. */
    record Endpoint(String host, int port) {

        static Endpoint of(String baseUrl) {
            URI uri = URI.create(baseUrl);
            if (uri.getHost() == null || (uri.getRawPath() != null && !uri.getRawPath().isEmpty()
                    && !uri.getRawPath().equals("/"))) {
                throw new IllegalArgumentException("a peer's URL must be scheme://host:port, got " + baseUrl);
            }
            int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
            return new Endpoint(uri.getHost(), port);
        }

        String hostHeader() {
            return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        }
    }

    private final Bootstrap bootstrap;
    private final DnsAddressResolverGroup resolver;
    private final PeerTls tls;
    private final HttpDecoderConfig decoder;
    private final long maxIdleMillis;
    /** Idle connections per endpoint, newest first; each deque is only touched inside the map's compute methods. */
    private final Map<Endpoint, ArrayDeque<Channel>> idle = new ConcurrentHashMap<>();

    /**
     * @param maxBodyPart the most of a body the HTTP decoder passes on as one part: what one socket read brought, up
     *     to this (Netty's default, 8 KiB, cuts every read into 8 KiB slices that each travel the pipeline alone)
     */
    ChunkConnections(LoopResources loops, PeerTls tls, Duration connectTimeout, Duration maxIdle, int maxBodyPart) {
        EventLoopGroup group = loops.onClient(LoopResources.DEFAULT_NATIVE);
        this.resolver = new DnsAddressResolverGroup(loops.onChannelClass(DatagramChannel.class, group),
                DnsServerAddressStreamProviders.platformDefault());
        this.bootstrap = new Bootstrap().group(group).channel(loops.onChannelClass(SocketChannel.class, group))
                .resolver(resolver)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(connectTimeout.toMillis()))
                .option(ChannelOption.ALLOCATOR, NetworkBuffers.ALLOCATOR)
                .option(ChannelOption.TCP_NODELAY, true);
        this.tls = tls;
        this.decoder = new HttpDecoderConfig().setMaxChunkSize(maxBodyPart);
        this.maxIdleMillis = maxIdle.toMillis();
    }

    /** An idle connection to {@code endpoint} that is still open, or null when there is none. */
    Channel pollIdle(Endpoint endpoint) {
        Channel[] found = new Channel[1];
        idle.computeIfPresent(endpoint, (key, channels) -> {
            while (found[0] == null && !channels.isEmpty()) {
                Channel channel = channels.pollFirst();
                if (channel.isActive()) {
                    found[0] = channel;
                }
            }
            return channels.isEmpty() ? null : channels;
        });
        return found[0];
    }

    /** Opens a new connection; the future completes on the connection's event loop. */
    ChannelFuture connect(Endpoint endpoint) {
        return bootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                tls.clientHandler(channel.alloc(), endpoint.host(), endpoint.port())
                        .ifPresent(handler -> channel.pipeline().addLast(handler));
                channel.pipeline().addLast(new HttpClientCodec(decoder, false, false))
                        .addLast(new IdleStateHandler(0, 0, maxIdleMillis, TimeUnit.MILLISECONDS))
                        .addLast(new ExchangeHandler());
                channel.closeFuture().addListener(closed -> forget(endpoint, channel));
            }
        }).connect(endpoint.host(), endpoint.port());
    }

    /** Offers a connection whose exchange is over back for reuse. */
    void release(Endpoint endpoint, Channel channel) {
        if (!channel.isActive()) {
            return;
        }
        idle.compute(endpoint, (key, channels) -> {
            ArrayDeque<Channel> deque = channels == null ? new ArrayDeque<>() : channels;
            deque.addFirst(channel);
            return deque;
        });
        if (!channel.isActive()) {
            forget(endpoint, channel); // closed while being offered: its close listener may have run already
        }
    }

    /** Starts {@code exchange} on {@code channel}; call on the channel's event loop. */
    static void attach(Channel channel, ChunkExchange exchange) {
        channel.pipeline().get(ExchangeHandler.class).current = exchange;
    }

    /** Ends {@code channel}'s exchange; call on the channel's event loop. */
    static void detach(Channel channel) {
        ExchangeHandler handler = channel.pipeline().get(ExchangeHandler.class);
        if (handler != null) {
            handler.current = null;
        }
    }

    private void forget(Endpoint endpoint, Channel channel) {
        idle.computeIfPresent(endpoint, (key, channels) -> {
            channels.remove(channel);
            return channels.isEmpty() ? null : channels;
        });
    }

    @Override
    public void close() {
        for (Endpoint endpoint : idle.keySet()) {
            ArrayDeque<Channel> channels = idle.remove(endpoint);
            if (channels != null) {
                channels.forEach(Channel::close);
            }
        }
        resolver.close();
    }

    /**
     * Hands what a connection receives to its exchange. A connection with no exchange is idle: whatever arrives
     * then is not an answer to anything, so the connection is closed, as it is once idle for {@code maxIdle}.
     */
    private static final class ExchangeHandler extends ChannelInboundHandlerAdapter {

        private ChunkExchange current;

        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            ChunkExchange exchange = current;
            try {
                if (exchange == null) {
                    context.close();
                } else {
                    exchange.received(message);
                }
            } finally {
                ReferenceCountUtil.release(message);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            ChunkExchange exchange = current;
            if (exchange != null) {
                exchange.closed();
            }
            context.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            ChunkExchange exchange = current;
            if (exchange != null) {
                exchange.failed(cause);
            }
            context.close();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext context, Object event) {
            if (event instanceof IdleStateEvent && current == null) {
                context.close();
            }
            context.fireUserEventTriggered(event);
        }
    }
}
