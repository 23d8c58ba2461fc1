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
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GenericFutureListener;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.netty.resources.LoopResources;

/**
 * Keep-alive connections to peers for chunk requests, on plain Netty. Up to {@code depth} requests share one
 * connection, sent one after another without waiting for replies (HTTP/1.1 pipelining; the peer answers them in
 * order), so a pair's transfer stays one busy stream instead of a new flow per chunk that waits a round trip for its
 * request. A new request goes to the connection with the most requests that still has room, newest first; idle ones
 * are closed after {@code maxIdle}. A chunk request goes to some peer for every chunk a download fetches, so it is
 * the swarm's hottest request; through Reactor Netty's client its pool, operators and request setup took more CPU
 * per chunk than the server's reply did (docs/benchmarks.md). Connections run on the event loops Reactor Netty's
 * client and server use, so an agent has no threads of its own for them.
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
    private final int depth;
    /** Open connections per endpoint, newest first; each deque is only touched inside the map's compute methods. */
    private final Map<Endpoint, ArrayDeque<Channel>> open = new ConcurrentHashMap<>();

    /**
     * @param depth requests one connection carries at once, sent without waiting for replies; 1 sends each on a
     *     connection of its own (at least 1: {@code edgeswarm.transfer.pipeline-depth} is checked where it is bound)
     * @param maxBodyPart the most of a body the HTTP decoder passes on as one part: what one socket read brought, up
     *     to this (Netty's default, 8 KiB, cuts every read into 8 KiB slices that each travel the pipeline alone)
     */
    ChunkConnections(LoopResources loops, PeerTls tls, Duration connectTimeout, Duration maxIdle, int depth,
            int maxBodyPart) {
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
        this.depth = depth;
    }

    /**
     * A connection to {@code endpoint} for one more request, reserved for it: an open one with room, else a new one
     * (it may still be connecting: see {@link #whenConnected}). Give the reservation back with {@link #leave}.
     */
    Channel take(Endpoint endpoint) {
        Channel[] found = new Channel[1];
        open.computeIfPresent(endpoint, (key, channels) -> {
            int most = -1;
            for (Iterator<Channel> it = channels.iterator(); it.hasNext(); ) {
                Channel channel = it.next();
                int load = handler(channel).reserved.get();
                if (!channel.isOpen()) {
                    it.remove();
                } else if (load < depth && load > most) {
                    found[0] = channel;
                    most = load;
                }
            }
            if (found[0] != null) {
                handler(found[0]).reserved.incrementAndGet();
            }
            return channels.isEmpty() ? null : channels;
        });
        if (found[0] != null) {
            return found[0];
        }
        Channel channel = connect(endpoint);
        handler(channel).reserved.incrementAndGet();
        open.compute(endpoint, (key, channels) -> {
            ArrayDeque<Channel> deque = channels == null ? new ArrayDeque<>() : channels;
            deque.addFirst(channel);
            return deque;
        });
        if (!channel.isOpen()) {
            forget(endpoint, channel); // failed while being added: its close listener may have run already
        }
        return channel;
    }

    /** Runs {@code action} on the connection's event loop once it is connected, or failed to connect. */
    static void whenConnected(Channel channel, GenericFutureListener<ChannelFuture> action) {
        handler(channel).connected.addListener(action);
    }

    /** Queues {@code exchange} for the next reply on {@code channel}; call on its event loop before sending. */
    static void enqueue(Channel channel, ChunkExchange exchange) {
        handler(channel).queue.addLast(exchange);
    }

    /** Whether {@code exchange} is the only one queued on {@code channel}; call on its event loop. */
    static boolean alone(Channel channel, ChunkExchange exchange) {
        ArrayDeque<ChunkExchange> queue = handler(channel).queue;
        return queue.size() == 1 && queue.peekFirst() == exchange;
    }

    /** Whether {@code exchange} is the one whose reply {@code channel} receives now; call on its event loop. */
    static boolean receiving(Channel channel, ChunkExchange exchange) {
        return handler(channel).queue.peekFirst() == exchange;
    }

    /**
     * Takes {@code exchange} off {@code channel}: out of its queue if queued, and its reservation back if
     * {@code reserved}; call on the channel's event loop.
     */
    static void leave(Channel channel, ChunkExchange exchange, boolean queued, boolean reserved) {
        ExchangeHandler handler = handler(channel);
        if (queued) {
            handler.queue.remove(exchange);
        }
        if (reserved) {
            handler.reserved.decrementAndGet();
        }
    }

    private Channel connect(Endpoint endpoint) {
        ExchangeHandler handler = new ExchangeHandler();
        ChannelFuture connecting = bootstrap.clone().attr(HANDLER, handler).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                tls.clientHandler(channel.alloc(), endpoint.host(), endpoint.port())
                        .ifPresent(tlsHandler -> channel.pipeline().addLast(tlsHandler));
                channel.pipeline().addLast(new HttpClientCodec(decoder, false, false))
                        .addLast(new IdleStateHandler(0, 0, maxIdleMillis, TimeUnit.MILLISECONDS))
                        .addLast(handler);
            }
        }).connect(endpoint.host(), endpoint.port());
        handler.connected = connecting;
        connecting.channel().closeFuture().addListener(closed -> forget(endpoint, connecting.channel()));
        return connecting.channel();
    }

    private static ExchangeHandler handler(Channel channel) {
        return channel.attr(HANDLER).get();
    }

    private void forget(Endpoint endpoint, Channel channel) {
        open.computeIfPresent(endpoint, (key, channels) -> {
            channels.remove(channel);
            return channels.isEmpty() ? null : channels;
        });
    }

    @Override
    public void close() {
        for (Endpoint endpoint : open.keySet()) {
            ArrayDeque<Channel> channels = open.remove(endpoint);
            if (channels != null) {
                channels.forEach(Channel::close);
            }
        }
        resolver.close();
    }

    private static final AttributeKey<ExchangeHandler> HANDLER = AttributeKey.valueOf(ChunkConnections.class,
            "exchanges");

    /**
     * Hands each reply a connection receives to the exchange at the head of its queue: replies come in the order the
     * requests went out. A connection with nothing queued is idle: whatever arrives then is not an answer to anything,
     * so the connection is closed, as it is once idle for {@code maxIdle}.
     */
    private static final class ExchangeHandler extends ChannelInboundHandlerAdapter {

        /** Exchanges that took this connection and have not left it: queued, or about to be. */
        private final AtomicInteger reserved = new AtomicInteger();
        /** Exchanges whose requests went out, oldest first; only touched on the event loop. */
        private final ArrayDeque<ChunkExchange> queue = new ArrayDeque<>();
        private volatile ChannelFuture connected;

        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            ChunkExchange exchange = queue.peekFirst();
            try {
                if (!context.channel().isActive()) {
                    return; // closed after a failed reply: the rest of what was read belongs to nobody
                }
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
            for (ChunkExchange exchange : new ArrayList<>(queue)) {
                exchange.closed();
            }
            context.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            ChunkExchange exchange = queue.peekFirst();
            if (exchange != null) {
                exchange.broken(cause);
            }
            context.close();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext context, Object event) {
            if (event instanceof IdleStateEvent && queue.isEmpty() && reserved.get() == 0) {
                context.close();
            }
            context.fireUserEventTriggered(event);
        }
    }
}
