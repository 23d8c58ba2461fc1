package io.edgeswarm.agent.membership;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.ChannelBindException;
import reactor.netty.DisposableServer;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;
import reactor.netty.udp.UdpResources;

/**
 * The gossip protocol's sockets: one UDP socket for probes, gossip and notices (plain Netty on Reactor Netty's UDP
 * event loop), a TCP listener on the same port for full-state sync (Reactor Netty; one length-prefixed frame per
 * connection). Seals and opens packets when a cluster key is set; everything that fails to open is dropped and counted
 * here, before the protocol sees it.
 *
 * <p>Datagrams skip Reactor Netty's receive operators: while artifacts move, every downloader sends and hears a few
 * hundred notices a second, and the gossip loop was the agents' third largest user of CPU (docs/benchmarks.md).
 */
final class GossipTransport implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GossipTransport.class);
    private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);
    /**
     * With port 0 the kernel picks a free UDP port, and TCP must then take the same number, which a TCP socket may
     * hold already (an outgoing connection's local port, say); each attempt draws a new number.
     */
    private static final int FREE_PORT_ATTEMPTS = 8;
    private static final int CONNECT_TIMEOUT_MS = 2_000;
    private static final Duration STREAM_TIMEOUT = Duration.ofSeconds(5);
    private static final int STREAM_READ_TIMEOUT_S = 5;
    /** Sealed datagrams stay under this; larger ones cannot be ours. */
    static final int MAX_DATAGRAM = 2048;

    /** Where inbound messages go, already authenticated and decrypted. */
    interface Receiver {
        void packet(NodeAddress from, byte[] bytes);

        void stream(NodeAddress from, byte[] bytes);
    }

    private final String bindHost;
    private final int requestedPort;
    private final PacketCipher cipher;
    private final Receiver receiver;
    final LongAdder droppedUnauthenticated = new LongAdder();
    final LongAdder droppedOversize = new LongAdder();
    final LongAdder droppedNotIp = new LongAdder();
    final LongAdder streamFailures = new LongAdder();
    private Channel udp;
    private DisposableServer tcp;

    GossipTransport(String bindHost, int port, PacketCipher cipher, Receiver receiver) {
        this.bindHost = bindHost;
        this.requestedPort = port;
        this.cipher = cipher;
        this.receiver = receiver;
    }

    /**
     * Binds UDP, then TCP on the same port (the one UDP got, when 0 was asked for; if TCP finds that number taken,
     * both are bound again on a new one, a few times at most).
     */
    int start() {
        for (int attempt = 1; ; attempt++) {
            udp = bindUdp();
            int port = ((InetSocketAddress) udp.localAddress()).getPort();
            try {
                tcp = bindTcp(port);
            } catch (ChannelBindException e) {
                udp.close().awaitUninterruptibly(BIND_TIMEOUT.toMillis());
                if (requestedPort != 0 || attempt >= FREE_PORT_ATTEMPTS) {
                    throw e;
                }
                log.debug("Gossip port {} is free for UDP but taken for TCP; drawing another", port);
                continue;
            }
            log.info("Gossip listening on {}:{} (udp and tcp){}", bindHost, port,
                    cipher == null ? " without encryption" : ", encrypted");
            return port;
        }
    }

    private Channel bindUdp() {
        UdpResources loops = UdpResources.get();
        EventLoopGroup group = loops.onClient(LoopResources.DEFAULT_NATIVE);
        ChannelFuture binding = new Bootstrap().group(group)
                .channel(loops.onChannelClass(DatagramChannel.class, group))
                // One byte more than a datagram of ours may have: the kernel cuts a longer one to this length, which
                // onDatagram then drops as oversize, where a buffer of exactly MAX_DATAGRAM would pass it on cut short.
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM + 1))
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext context, DatagramPacket datagram) {
                        onDatagram(datagram);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
                        // A datagram socket stays open after a failed read or send (an ICMP error, say).
                        log.debug("Gossip socket error: {}", cause.toString());
                    }
                })
                .bind(bindHost, requestedPort);
        if (!binding.awaitUninterruptibly(BIND_TIMEOUT.toMillis()) || !binding.isSuccess()) {
            binding.channel().close();
            Throwable cause = binding.cause();
            throw new IllegalStateException("cannot bind the gossip UDP socket to " + bindHost + ":" + requestedPort
                    + ": " + (cause == null ? "timed out after " + BIND_TIMEOUT.toSeconds() + " s" : cause), cause);
        }
        return binding.channel();
    }

    private DisposableServer bindTcp(int port) {
        return TcpServer.create().host(bindHost).port(port)
                .doOnConnection(c -> c.addHandlerFirst(new ReadTimeoutHandler(STREAM_READ_TIMEOUT_S, TimeUnit.SECONDS))
                        .addHandlerLast(new LengthFieldBasedFrameDecoder(
                                MessageCodec.MAX_STREAM_BYTES + PacketCipher.OVERHEAD, 0, 4, 0, 4)))
                .handle((in, out) -> {
                    InetSocketAddress[] remote = new InetSocketAddress[1];
                    in.withConnection(c -> remote[0] = (InetSocketAddress) c.channel().remoteAddress());
                    return in.receive().asByteArray().take(1)
                            .doOnNext(frame -> open(frame).ifPresent(bytes -> receiver.stream(toNode(remote[0]),
                                    bytes)))
                            .onErrorResume(e -> {
                                streamFailures.increment();
                                return Mono.empty();
                            })
                            .then();
                })
                .bindNow(BIND_TIMEOUT);
    }

    /** The UDP socket's event loop: packets arrive on it, and are sent from it without a hand-over. */
    EventLoop eventLoop() {
        return udp.eventLoop();
    }

    void sendPacket(NodeAddress to, byte[] packet) {
        sendPackets(List.of(to), packet);
    }

    /**
     * The same sealed datagram to every target: one buffer, written once per target and flushed once, so that the
     * kernel gets them in one {@code sendmmsg}. From another thread the send moves onto {@link #eventLoop()} first.
     */
    void sendPackets(List<NodeAddress> targets, byte[] packet) {
        if (!udp.eventLoop().inEventLoop()) {
            udp.eventLoop().execute(() -> sendPackets(targets, packet));
            return;
        }
        byte[] wire = seal(packet);
        ByteBuf shared = udp.alloc().directBuffer(wire.length).writeBytes(wire);
        try {
            for (NodeAddress to : targets) {
                // Parsed, never looked up: a DNS query here would hold up the protocol thread (members gossip IPs).
                InetAddress ip = NetUtil.createInetAddressFromIpAddressString(to.host());
                if (ip == null) {
                    droppedNotIp.increment();
                    log.debug("Gossip to {} dropped: not an IP address", to);
                    continue;
                }
                udp.write(new DatagramPacket(shared.retainedDuplicate(), new InetSocketAddress(ip, to.port())),
                        udp.voidPromise());
            }
            udp.flush();
        } finally {
            shared.release();
        }
    }

    void sendStream(NodeAddress to, byte[] message) {
        byte[] wire = seal(message);
        ByteBuffer frame = ByteBuffer.allocate(4 + wire.length).putInt(wire.length).put(wire).flip();
        TcpClient.create().host(to.host()).port(to.port()).option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        CONNECT_TIMEOUT_MS)
                .connect()
                .flatMap(connection -> connection.outbound().sendObject(Unpooled.wrappedBuffer(frame)).then()
                        .doFinally(signal -> connection.dispose()))
                .timeout(STREAM_TIMEOUT)
                .subscribe(done -> { }, error -> {
                    streamFailures.increment();
                    log.debug("State sync to {} failed: {}", to, error.toString());
                });
    }

    private void onDatagram(DatagramPacket datagram) {
        if (datagram.content().readableBytes() > MAX_DATAGRAM) {
            droppedOversize.increment();
            return;
        }
        byte[] bytes = ByteBufUtil.getBytes(datagram.content());
        open(bytes).ifPresent(plain -> receiver.packet(toNode(datagram.sender()), plain));
    }

    private Optional<byte[]> open(byte[] wire) {
        if (cipher == null) {
            return Optional.of(wire);
        }
        Optional<byte[]> plain = cipher.open(wire);
        if (plain.isEmpty()) {
            droppedUnauthenticated.increment();
        }
        return plain;
    }

    private byte[] seal(byte[] plain) {
        return cipher == null ? plain : cipher.seal(plain);
    }

    /** A datagram's sender as a member address; {@code GossipService.gossipHost} writes a member's own the same way. */
    static NodeAddress toNode(InetSocketAddress address) {
        return new NodeAddress(address.getAddress().getHostAddress(), address.getPort());
    }

    @Override
    public void close() {
        if (udp != null) {
            udp.close().awaitUninterruptibly(BIND_TIMEOUT.toMillis());
        }
        if (tcp != null) {
            tcp.disposeNow(BIND_TIMEOUT);
        }
    }
}
