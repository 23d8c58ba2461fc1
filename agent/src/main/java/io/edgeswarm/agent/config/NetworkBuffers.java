package io.edgeswarm.agent.config;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * The allocator for the buffers of the swarm's HTTP traffic, server and peer client alike. Netty 4.2's default, the
 * adaptive allocator, stops pooling altogether in a JVM whose heap is at most 512 MiB ({@code io.netty.allocator
 * .lowMemory}): every socket read then allocates, zeroes and frees a fresh direct buffer. Agents run with small heaps
 * (the benchmarks use 160 MiB; a container sized by {@code MaxRAMPercentage} often has less than 512 MiB), and in a
 * 16-agent swarm profile that fallback was 14 % of the event loops' time. The pooled allocator sizes its arenas from
 * the direct memory limit instead, so it pools at any heap size.
 */
public final class NetworkBuffers {

    public static final ByteBufAllocator ALLOCATOR = PooledByteBufAllocator.DEFAULT;

    private NetworkBuffers() {
    }
}
