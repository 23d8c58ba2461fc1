package io.edgeswarm.agent.config;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * The allocator for the buffers the peer client receives chunks into, the bulk of an agent's received bytes.
 * Netty 4.2's default, the adaptive allocator, stops pooling altogether in a JVM whose heap is at most 512 MiB
 * ({@code io.netty.allocator.lowMemory}): every socket read then allocates, zeroes and frees a fresh direct buffer.
 * Agents run with small heaps (the benchmarks use 160 MiB; the Helm chart's 768 MiB limit at
 * {@code MaxRAMPercentage=60} gives 460 MiB), and in a 16-agent swarm profile that fallback was 9 % of the event
 * loops' samples. The pooled allocator sizes its arenas from the direct memory limit instead, so it pools at any
 * heap size.
 *
 * <p>The HTTP server keeps Netty's default: it reads only small request heads, so pooling gains little there, and
 * under paranoid leak detection the HTTP fuzz test shows a request-body slice of Netty's decoder left unreleased by
 * some malformed request, whichever allocator serves it. A pooled buffer lost that way stays lost; the default's
 * unpooled fallback is reclaimed with the garbage.
 */
public final class NetworkBuffers {

    public static final ByteBufAllocator ALLOCATOR = PooledByteBufAllocator.DEFAULT;

    private NetworkBuffers() {
    }
}
