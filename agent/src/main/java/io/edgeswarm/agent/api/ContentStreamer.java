package io.edgeswarm.agent.api;

import io.edgeswarm.agent.storage.ChunkRegion;
import io.edgeswarm.agent.storage.Manifest;
import io.edgeswarm.agent.storage.StoredArtifact;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Streams an artifact that is still arriving: each chunk is sent once it is held, which means verified, so a client
 * never receives an unverified byte. Memory stays at one read buffer per chunk in flight.
 */
final class ContentStreamer {

    private static final int READ_BUFFER = 64 * 1024;
    private static final Duration POLL = Duration.ofMillis(50);

    private ContentStreamer() {
    }

    /** @param stallTimeout give up if the next chunk does not arrive within this */
    static Flux<DataBuffer> stream(StoredArtifact artifact, ByteRange range, DataBufferFactory factory,
            Duration stallTimeout) {
        if (range.length() == 0) {
            return Flux.empty();
        }
        Manifest manifest = artifact.manifest();
        int first = (int) (range.start() / manifest.chunkSize());
        int last = (int) (range.end() / manifest.chunkSize());
        return Flux.range(first, last - first + 1).concatMap(index -> awaitChunk(artifact, index, stallTimeout)
                .thenMany(Flux.defer(() -> {
                    ChunkRegion chunk = artifact.chunkRegion(index);
                    long from = Math.max(range.start(), chunk.offset());
                    long to = Math.min(range.end() + 1, chunk.offset() + chunk.length());
                    return DataBufferUtils.takeUntilByteCount(DataBufferUtils.readAsynchronousFileChannel(
                            () -> AsynchronousFileChannel.open(chunk.file(), StandardOpenOption.READ), from, factory,
                            READ_BUFFER), to - from);
                })), 0);
    }

    private static Mono<Long> awaitChunk(StoredArtifact artifact, int index, Duration stallTimeout) {
        if (artifact.hasChunk(index)) {
            return Mono.just(0L);
        }
        return Flux.interval(POLL).filter(tick -> artifact.hasChunk(index)).next()
                .timeout(stallTimeout, Mono.error(() -> new IllegalStateException("chunk " + index + " of "
                        + artifact.digest().shortForm() + " did not arrive within " + stallTimeout)));
    }
}
