package io.edgeswarm.agent.api;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.unix.IntegerUnixChannelOption;
import java.util.Locale;

/**
 * Caps the bytes a connection may queue in the kernel unsent ({@code TCP_NOTSENT_LOWAT}). Without it, a response
 * written with sendfile counts as sent as soon as it fits the socket's send buffer, up to 4 MiB with Linux's
 * autotuning, long before it is on the wire; sends that should follow one another would then overlap again.
 *
 * <p>Only Linux's native transport can set the option; elsewhere (NIO, other systems) this does nothing.
 */
final class SendLowWater {

    /** {@code IPPROTO_TCP} and {@code TCP_NOTSENT_LOWAT}, the same numbers on every Linux architecture. */
    private static final IntegerUnixChannelOption TCP_NOTSENT_LOWAT =
            new IntegerUnixChannelOption("TCP_NOTSENT_LOWAT", 6, 25);
    private static final boolean SUPPORTED = System.getProperty("os.name", "").toLowerCase(Locale.ROOT)
            .contains("linux");

    private final int bytes;

    /** @param bytes the cap; 0 or less leaves the kernel's default */
    SendLowWater(long bytes) {
        this.bytes = (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    void apply(Channel channel) {
        if (!SUPPORTED || bytes <= 0) {
            return;
        }
        try {
            channel.config().setOption(TCP_NOTSENT_LOWAT, bytes);
        } catch (ChannelException | UnsupportedOperationException closedOrUnsupported) {
            // A closed socket sends nothing more; a transport without the option sends as before.
        }
    }
}
