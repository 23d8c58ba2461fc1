package io.edgeswarm.agent.api;

import io.edgeswarm.agent.config.EdgeswarmProperties;
import io.edgeswarm.agent.config.LinuxSocketOption;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.unix.RawUnixChannelOption;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * Gives every connection the HTTP server accepts the TCP congestion control named by
 * {@code edgeswarm.transfer.congestion-control} ({@code TCP_CONGESTION}). The sender's choice is the one that counts,
 * and the server's connections carry what an agent sends in bulk: chunks to peers, artifacts to clients. An agent can
 * so choose its own where it may not set the host's or pod's {@code net.ipv4.tcp_congestion_control}. In the lab,
 * with an origin's first sends in turns, CUBIC kept the origin's link full where BBR left it 5-10 % idle, most
 * likely because BBR's other flows grow into the rate a finished turn frees only at their next probe
 * (docs/benchmarks.md, twenty-fourth round).
 *
 * <p>The name is tried on a socket of its own at start-up, so a kernel that lacks it, or does not allow it (an
 * unprivileged process may use only {@code net.ipv4.tcp_allowed_congestion_control}), stops the agent with the
 * reason instead of leaving every connection on the default unnoticed. Blank: the kernel's default, nothing set.
 */
@Component
class ServerCongestionControl implements NettyServerCustomizer {

    private static final Logger log = LoggerFactory.getLogger(ServerCongestionControl.class);

    /** {@code TCP_CONGESTION} and {@code TCP_CA_NAME_MAX}: the same on every Linux architecture. */
    private static final int TCP_CONGESTION = 13;
    private static final int NAME_MAX = 16;
    static final RawUnixChannelOption OPTION = new RawUnixChannelOption("TCP_CONGESTION",
            LinuxSocketOption.IPPROTO_TCP, TCP_CONGESTION, NAME_MAX);

    private final byte[] name;

    ServerCongestionControl(EdgeswarmProperties properties) {
        String chosen = properties.transfer().congestionControl();
        this.name = padded(chosen);
        if (!chosen.isEmpty()) {
            tryOnOwnSocket(chosen, name);
            log.info("Connections the HTTP server accepts use TCP congestion control {}", chosen);
        }
    }

    @Override
    public HttpServer apply(HttpServer server) {
        if (name == null) {
            return server;
        }
        return server.doOnChannelInit((observer, channel, remoteAddress) -> set(channel));
    }

    private void set(Channel channel) {
        try {
            // A buffer per call: setting the option consumes it.
            channel.config().setOption(OPTION, ByteBuffer.wrap(name));
        } catch (ChannelException closed) {
            // Closed before it was tuned: nothing will be sent on it.
        }
    }

    /** The name, NUL-padded to the option's fixed length (Netty checks it); null for none. */
    private static byte[] padded(String chosen) {
        if (chosen.isEmpty()) {
            return null;
        }
        return Arrays.copyOf(chosen.getBytes(StandardCharsets.US_ASCII), NAME_MAX);
    }

    private static void tryOnOwnSocket(String chosen, byte[] name) {
        if (!LinuxSocketOption.onLinux() || !LoopResources.hasNativeSupport() || !LoopResources.DEFAULT_NATIVE) {
            throw new IllegalStateException("edgeswarm.transfer.congestion-control=" + chosen
                    + " needs Linux's native transport (epoll), which the server does not use here");
        }
        Socket probe = Socket.newSocketStream();
        try {
            probe.setRawOpt(LinuxSocketOption.IPPROTO_TCP, TCP_CONGESTION, ByteBuffer.wrap(name));
        } catch (ChannelException | IOException refused) {
            throw new IllegalStateException("edgeswarm.transfer.congestion-control=" + chosen
                    + ": the kernel refused it (" + refused.getMessage() + "); it must be listed in "
                    + "/proc/sys/net/ipv4/tcp_available_congestion_control, and in tcp_allowed_congestion_control "
                    + "for an agent without CAP_NET_ADMIN", refused);
        } finally {
            try {
                probe.close();
            } catch (IOException ignored) {
                // The probe carried nothing.
            }
        }
    }
}
