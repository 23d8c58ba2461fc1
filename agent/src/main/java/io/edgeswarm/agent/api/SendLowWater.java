package io.edgeswarm.agent.api;

import io.edgeswarm.agent.config.LinuxSocketOption;
import io.netty.channel.Channel;

/**
 * Caps the bytes a connection may queue in the kernel unsent ({@code TCP_NOTSENT_LOWAT}). Without it, a response
 * written with sendfile counts as sent as soon as it fits the socket's send buffer, up to 4 MiB with Linux's
 * autotuning, long before it is on the wire; sends that should follow one another would then overlap again.
 *
 * <p>Only Linux's native transport can set the option; elsewhere (NIO, other systems) this does nothing.
 */
final class SendLowWater {

    /** {@code TCP_NOTSENT_LOWAT}, the same number on every Linux architecture. */
    private static final LinuxSocketOption TCP_NOTSENT_LOWAT = LinuxSocketOption.of("TCP_NOTSENT_LOWAT",
            LinuxSocketOption.IPPROTO_TCP, 25);

    private final int bytes;

    /** @param bytes the cap; 0 or less leaves the kernel's default */
    SendLowWater(long bytes) {
        this.bytes = (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    void apply(Channel channel) {
        if (bytes > 0) {
            TCP_NOTSENT_LOWAT.set(channel, bytes);
        }
    }
}
