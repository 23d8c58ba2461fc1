package io.edgeswarm.agent.config;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.unix.IntegerUnixChannelOption;
import java.util.Locale;
import java.util.Set;

/**
 * An integer socket option Netty has no name for, set by its level and number on Linux's native transport. Elsewhere
 * (NIO, other systems, architectures where the numbers differ) setting it does nothing, and so does setting it on a
 * connection that has closed meanwhile: these options tune how a socket wakes or sends, never what it carries.
 */
public final class LinuxSocketOption {

    /** The level of TCP's own options ({@code IPPROTO_TCP}), the same on every Linux architecture. */
    public static final int IPPROTO_TCP = 6;

    private static final boolean LINUX = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");

    private final IntegerUnixChannelOption option;
    private final boolean supported;

    private LinuxSocketOption(String name, int level, int number, boolean numbersHold) {
        this.option = new IntegerUnixChannelOption(name, level, number);
        this.supported = LINUX && numbersHold;
    }

    /** An option whose level and number are the same on every Linux architecture. */
    public static LinuxSocketOption of(String name, int level, int number) {
        return new LinuxSocketOption(name, level, number, true);
    }

    /** An option whose level and number hold only on the named architectures ({@code os.arch}). */
    public static LinuxSocketOption onArchitectures(Set<String> architectures, String name, int level, int number) {
        return new LinuxSocketOption(name, level, number, architectures.contains(System.getProperty("os.arch", "")));
    }

    /** Whether this JVM runs on Linux, where such options have their meaning. */
    public static boolean onLinux() {
        return LINUX;
    }

    /** Whether setting the option can take effect on this system at all. */
    public boolean supported() {
        return supported;
    }

    /** Sets the option on {@code channel}; quietly nothing where unsupported or on a closed connection. */
    public void set(Channel channel, int value) {
        if (!supported) {
            return;
        }
        try {
            channel.config().setOption(option, value);
        } catch (ChannelException | UnsupportedOperationException closedOrUnsupported) {
            // A closed socket needs no tuning; a transport without the option behaves as before.
        }
    }
}
