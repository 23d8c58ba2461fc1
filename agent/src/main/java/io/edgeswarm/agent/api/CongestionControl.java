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
import reactor.netty.resources.LoopResources;

/**
 * A TCP congestion control by name ({@code TCP_CONGESTION}), set on connections one at a time. The name is tried on
 * a socket of its own when this is made, so a kernel that lacks it, or does not allow it (an unprivileged process may
 * use only {@code net.ipv4.tcp_allowed_congestion_control}), stops the agent with the reason instead of leaving
 * connections on the default unnoticed. Linux's native transport only. A default ({@link #forFirstSends}) is softer: it
 * must not stop an agent whose kernel lacks it, so a refusal leaves connections unchanged with a warning.
 */
final class CongestionControl {

    private static final Logger log = LoggerFactory.getLogger(CongestionControl.class);

    private static final String FIRST_SEND_SETTING = "first-send-congestion-control";
    /**
     * What {@code first-send-congestion-control=auto} picks: when a turn ends its flow stops, and the origin's other
     * flows must take up the rate it frees within a few round trips, which CUBIC's do and BBR's only at their next
     * probe (docs/benchmarks.md, twenty-fourth and twenty-seventh rounds). Built into nearly every kernel, and in
     * {@code tcp_allowed_congestion_control} by default.
     */
    static final String AUTO_FIRST_SEND_CHOICE = "cubic";

    /** {@code TCP_CONGESTION} and {@code TCP_CA_NAME_MAX}: the same on every Linux architecture. */
    private static final int TCP_CONGESTION = 13;
    private static final int NAME_MAX = 16;
    static final RawUnixChannelOption OPTION = new RawUnixChannelOption("TCP_CONGESTION",
            LinuxSocketOption.IPPROTO_TCP, TCP_CONGESTION, NAME_MAX);

    private static final CongestionControl UNCHANGED = new CongestionControl("", null);

    private final String name;
    private final byte[] padded;

    private CongestionControl(String name, byte[] padded) {
        this.name = name;
        this.padded = padded;
    }

    /**
     * @param name the kernel's name for it; blank changes nothing
     * @param setting the setting that named it, for the reason a refusal gives
     * @throws IllegalStateException when the kernel refuses the name, or the server's transport cannot set it
     */
    static CongestionControl named(String name, String setting) {
        if (name.isEmpty()) {
            return UNCHANGED;
        }
        byte[] padded = Arrays.copyOf(name.getBytes(StandardCharsets.US_ASCII), NAME_MAX); // Netty checks the length
        tryOnOwnSocket(setting + "=" + name, padded);
        return new CongestionControl(name, padded);
    }

    /**
     * The congestion control of connections carrying an origin's first sends in turns, from
     * {@code first-send-congestion-control}: {@value EdgeswarmProperties.Transfer#AUTO_CONGESTION_CONTROL} takes
     * {@value #AUTO_FIRST_SEND_CHOICE} where the kernel allows it and changes nothing otherwise (nor without turns,
     * where it would never be applied); any other name as {@link #named}.
     *
     * @param turns whether first sends take turns ({@code first-send-streams} above 0)
     */
    static CongestionControl forFirstSends(String configured, boolean turns) {
        if (!EdgeswarmProperties.Transfer.AUTO_CONGESTION_CONTROL.equals(configured)) {
            return named(configured, FIRST_SEND_SETTING);
        }
        return turns ? preferred(AUTO_FIRST_SEND_CHOICE, FIRST_SEND_SETTING) : UNCHANGED;
    }

    /**
     * As {@link #named}, but a name the kernel refuses changes nothing, with a warning that says why: what a setting's
     * {@code auto} picks, which must not stop the agent.
     */
    static CongestionControl preferred(String name, String setting) {
        try {
            CongestionControl chosen = named(name, setting);
            log.info("edgeswarm.transfer.{}=auto chose {}", setting, name);
            return chosen;
        } catch (IllegalStateException refused) {
            log.warn("{}; edgeswarm.transfer.{}=auto keeps each connection's own", refused.getMessage(), setting);
            return UNCHANGED;
        }
    }

    /** Whether {@link #apply} changes anything. */
    boolean set() {
        return padded != null;
    }

    String name() {
        return name;
    }

    /** Switches the connection to this congestion control; a connection closed meanwhile is left alone. */
    void apply(Channel channel) {
        if (padded == null) {
            return;
        }
        try {
            // A buffer per call: setting the option consumes it.
            channel.config().setOption(OPTION, ByteBuffer.wrap(padded));
        } catch (ChannelException closed) {
            // Closed before it was tuned: nothing will be sent on it.
        }
    }

    private static void tryOnOwnSocket(String setting, byte[] padded) {
        if (!LinuxSocketOption.onLinux() || !LoopResources.hasNativeSupport() || !LoopResources.DEFAULT_NATIVE) {
            throw new IllegalStateException("edgeswarm.transfer." + setting
                    + " needs Linux's native transport (epoll), which the server does not use here");
        }
        Socket probe = Socket.newSocketStream();
        try {
            probe.setRawOpt(LinuxSocketOption.IPPROTO_TCP, TCP_CONGESTION, ByteBuffer.wrap(padded));
        } catch (ChannelException | IOException refused) {
            throw new IllegalStateException("edgeswarm.transfer." + setting + ": the kernel refused it ("
                    + refused.getMessage() + "); it must be listed in "
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
