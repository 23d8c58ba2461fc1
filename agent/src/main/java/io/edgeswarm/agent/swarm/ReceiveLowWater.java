package io.edgeswarm.agent.swarm;

import io.edgeswarm.agent.config.LinuxSocketOption;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.util.Set;

/**
 * Lets the kernel hold a chunk body's bytes back until a batch has arrived, instead of waking the event loop every
 * few packets ({@code SO_RCVLOWAT}). A chunk trickles in at the pace of the sender's link: on a 200 Mbit/s link a
 * 512 KiB chunk came in about 50 reads of 10 KiB, and every read runs the whole pipeline (HTTP decoder, Reactor
 * Netty's receive queue, the collector) however few bytes it brings; with 16 agents on 2 cores that CPU is what the
 * swarm waited for (docs/benchmarks.md). The mark never exceeds what is still to come, so the body's last bytes wake
 * the reader as soon as they are in; with TLS it stays a record below that, because the TLS handler may hold part of
 * a record that has already left the socket.
 *
 * <p>Only Linux's native transport can set the option; elsewhere (NIO, other systems) this does nothing.
 */
final class ReceiveLowWater {

    /** {@code SOL_SOCKET} and {@code SO_RCVLOWAT} on the Linux architectures with the generic socket numbers. */
    private static final LinuxSocketOption SO_RCVLOWAT = LinuxSocketOption.onArchitectures(
            Set.of("amd64", "x86_64", "aarch64", "riscv64"), "SO_RCVLOWAT", 1, 18);
    /** Room for one TLS record (16 KiB of plaintext plus header and tag) that the TLS handler may be holding. */
    static final int TLS_RECORD_MARGIN = 17 * 1024 + 512;
    /** The kernel's default: wake on any byte. */
    static final int ANY_BYTE = 1;

    private final int batch;
    private final boolean active;

    /** @param batch bytes to gather per wake-up; 1 or less leaves the socket's default */
    ReceiveLowWater(int batch) {
        this.batch = batch;
        this.active = SO_RCVLOWAT.supported() && batch > ANY_BYTE;
    }

    /** Tracks one body of {@code length} bytes on a connection; call {@link Body#received} for every part. */
    Body body(Channel channel, long length) {
        if (!active) {
            return new Body(null, length, false);
        }
        return new Body(channel, length, channel.pipeline().get(SslHandler.class) != null);
    }

    /** The mark for {@code remaining} bytes still to come: the batch, or less near the end. */
    static int mark(int batch, long remaining, boolean tls) {
        long deliverable = tls ? remaining - TLS_RECORD_MARGIN : remaining;
        return (int) Math.max(ANY_BYTE, Math.min(batch, deliverable));
    }

    /**
     * One body's progress, counted on the connection's event loop. A body given up before its end is either read to
     * the end (replies queued behind it) or its connection is closed, so the mark never outlives its body.
     */
    final class Body {

        private final Channel channel;
        private final boolean tls;
        private long remaining;
        private int current = ANY_BYTE;

        private Body(Channel channel, long length, boolean tls) {
            this.channel = channel;
            this.remaining = length;
            this.tls = tls;
        }

        void received(int bytes) {
            remaining -= bytes;
            set(remaining > 0 ? mark(batch, remaining, tls) : ANY_BYTE);
        }

        /** Back to the default before the pooled connection carries anything else. */
        void done() {
            set(ANY_BYTE);
        }

        private void set(int bytes) {
            if (channel == null || bytes == current) {
                return; // one system call per change, not per read
            }
            current = bytes;
            SO_RCVLOWAT.set(channel, bytes);
        }
    }
}
