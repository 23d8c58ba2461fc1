package io.edgeswarm.agent.api;

import io.edgeswarm.agent.storage.ChunkRegion;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.file.StandardOpenOption;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.ZeroCopyHttpOutputMessage;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;

/** Sends a file region as the response body: zero-copy (sendfile) when the server supports it, streamed if not. */
final class RegionWriter {

    /** Read size for the streamed fallback (HEAD requests, TLS). */
    private static final int STREAM_BUFFER = 64 * 1024;

    private RegionWriter() {
    }

    static Mono<Void> write(ServerHttpResponse response, ChunkRegion region) {
        response.getHeaders().setContentLength(region.length());
        if (region.length() == 0) {
            return response.setComplete();
        }
        if (response instanceof ZeroCopyHttpOutputMessage zeroCopy) {
            return zeroCopy.writeWith(region.file(), region.offset(), region.length());
        }
        var body = DataBufferUtils.readAsynchronousFileChannel(
                () -> AsynchronousFileChannel.open(region.file(), StandardOpenOption.READ), region.offset(),
                response.bufferFactory(), STREAM_BUFFER);
        return response.writeWith(DataBufferUtils.takeUntilByteCount(body, region.length()));
    }
}
