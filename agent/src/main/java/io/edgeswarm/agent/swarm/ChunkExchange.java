package io.edgeswarm.agent.swarm;

import io.edgeswarm.agent.config.NetworkBuffers;
import io.edgeswarm.agent.swarm.ChunkConnections.Endpoint;
import io.edgeswarm.agent.swarm.PeerClient.ChunkReply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import reactor.core.publisher.MonoSink;

/**
 * One chunk request, from taking a connection to the reply's last byte. Apart from {@link #begin} and a cancellation,
 * it runs on its connection's event loop, so its state needs no locks. The reply's body is kept in the buffers it
 * arrived in, joined without a copy; a failed, timed out or cancelled exchange releases them and closes its
 * connection, since a connection in the middle of a reply cannot carry another request.
 */
final class ChunkExchange {

    /** What every exchange of one client shares. */
    record Settings(long maxBody, ReceiveLowWater lowWater, NettyDataBufferFactory buffers,
            Function<byte[], String> askInstead, HttpHeaders requestHeaders) {
    }

    /** The most of a refusal's problem document kept: enough for an origin's {@code askInstead}. */
    private static final int MAX_PROBLEM_BYTES = 64 * 1024;

    private final ChunkConnections connections;
    private final Settings settings;
    private final Endpoint endpoint;
    private final String peer;
    private final int index;
    private final String path;
    private final String ourHoldings;
    private final MonoSink<ChunkReply> sink;
    private final Duration timeout;
    private final long started = System.nanoTime();

    private volatile boolean cancelled;
    private volatile Channel channel;
    private boolean reused;
    private boolean retried;
    private boolean finished;
    private ScheduledFuture<?> timer;

    private int status;
    private String reason;
    private boolean keepAlive;
    private long latencyNanos;
    private long expected;
    private long bodyBytes;
    private boolean fromOrigin;
    private BitSet holdings;
    private int uploads;
    private CompositeByteBuf body;
    private ByteBuf problem;
    private ReceiveLowWater.Body progress;

    ChunkExchange(ChunkConnections connections, Settings settings, Peer peer, int index, String path,
            String ourHoldings, Duration timeout, MonoSink<ChunkReply> sink) {
        this.connections = connections;
        this.settings = settings;
        this.endpoint = Endpoint.of(peer.baseUrl());
        this.peer = peer.id();
        this.index = index;
        this.path = path;
        this.ourHoldings = ourHoldings;
        this.timeout = timeout;
        this.sink = sink;
    }

    /** Sends the request on an idle connection to the peer, or a new one. */
    void begin() {
        sink.onCancel(this::cancel);
        Channel idle = connections.pollIdle(endpoint);
        if (idle != null) {
            idle.eventLoop().execute(() -> start(idle, true));
        } else {
            connect();
        }
    }

    private void connect() {
        connections.connect(endpoint).addListener((ChannelFuture connected) -> {
            if (connected.isSuccess()) {
                start(connected.channel(), false);
            } else {
                fail(connected.cause());
            }
        });
    }

    private void start(Channel connection, boolean wasIdle) {
        channel = connection;
        if (cancelled || finished) {
            finished = true;
            connections.release(endpoint, connection); // nothing was sent on it
            return;
        }
        if (wasIdle && !connection.isActive()) {
            connect(); // closed while it sat idle
            return;
        }
        long remaining = timeout.toNanos() - (System.nanoTime() - started);
        if (remaining <= 0) {
            connections.release(endpoint, connection);
            fail(timeoutError());
            return;
        }
        reused = wasIdle;
        timer = connection.eventLoop().schedule(this::timedOut, remaining, TimeUnit.NANOSECONDS);
        ChunkConnections.attach(connection, this);
        connection.writeAndFlush(request()).addListener((ChannelFuture written) -> {
            if (written.isSuccess() || finished) {
                return;
            }
            if (retryable()) {
                retry();
            } else {
                failed(written.cause());
            }
        });
    }

    /**
     * Whether the request may go out again on a new connection: only once, and only if it went out on a connection
     * that sat idle and nothing of a reply came back. The peer may have closed that connection just as we sent (its
     * idle timeout), and a GET is safe to repeat.
     */
    private boolean retryable() {
        return reused && !retried && status == 0 && !cancelled && !finished;
    }

    private void retry() {
        retried = true;
        Channel stale = channel;
        detach();
        stale.close();
        connect();
    }

    private FullHttpRequest request() {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path,
                Unpooled.EMPTY_BUFFER);
        request.headers().set(settings.requestHeaders()).set(HttpHeaderNames.HOST, endpoint.hostHeader());
        if (ourHoldings != null) {
            request.headers().set(HoldingsHeader.NAME, ourHoldings);
        }
        return request;
    }

    /** A message of the reply, from the connection's handler, which releases it afterwards. */
    void received(Object message) {
        if (finished) {
            return;
        }
        if (message instanceof HttpObject object && object.decoderResult().isFailure()) {
            failed(new IOException("malformed reply from " + peer + " to chunk " + index + ": "
                    + object.decoderResult().cause().getMessage(), object.decoderResult().cause()));
            return;
        }
        if (message instanceof HttpResponse response) {
            head(response);
        }
        if (!finished && message instanceof HttpContent content) {
            content(content.content());
            if (content instanceof LastHttpContent) {
                complete();
            }
        }
    }

    private void head(HttpResponse response) {
        latencyNanos = System.nanoTime() - started;
        status = response.status().code();
        reason = response.status().reasonPhrase();
        keepAlive = HttpUtil.isKeepAlive(response);
        HttpHeaders headers = response.headers();
        if (status == 200) {
            expected = contentLength(headers);
            if (expected <= 0 || expected > settings.maxBody()) {
                failed(new ChunkRefusedException(peer, index, status,
                        "Content-Length must be between 1 and " + settings.maxBody() + ", got " + expected));
                return;
            }
            fromOrigin = Boolean.parseBoolean(headers.get(SwarmHeaders.ORIGIN));
            holdings = HoldingsHeader.decode(headers.get(HoldingsHeader.NAME));
            uploads = uploads(headers);
            body = NetworkBuffers.ALLOCATOR.compositeDirectBuffer(Integer.MAX_VALUE);
            progress = settings.lowWater().body(channel, expected);
        } else if (status == 409) {
            problem = Unpooled.buffer();
        }
    }

    private void content(ByteBuf bytes) {
        int length = bytes.readableBytes();
        if (body != null) {
            if (length > 0) {
                body.addComponent(true, bytes.retain());
            }
            bodyBytes += length;
            progress.received(length);
        } else if (problem != null) {
            problem.writeBytes(bytes, Math.min(length, MAX_PROBLEM_BYTES - problem.readableBytes()));
        }
    }

    private void complete() {
        if (body != null && bodyBytes != expected) {
            failed(new IOException(peer + " sent " + bodyBytes + " of chunk " + index + "'s " + expected + " bytes"));
            return;
        }
        Channel connection = channel;
        end();
        if (progress != null) {
            progress.done();
        }
        Throwable refusal = switch (status) {
            case 200 -> null;
            case 503 -> new PeerBusyException(peer);
            case 409 -> {
                String askInstead = settings.askInstead().apply(ByteBufUtil.getBytes(problem));
                yield new SentAlreadyException(peer, index, askInstead.isEmpty() ? null : askInstead);
            }
            default -> new ChunkRefusedException(peer, index, status, reason);
        };
        ChunkReply reply = refusal == null ? new ChunkReply(settings.buffers().wrap(body), fromOrigin, latencyNanos,
                holdings, uploads) : null;
        body = null; // the reply owns it now
        releaseBuffers();
        if (keepAlive) {
            connections.release(endpoint, connection);
        } else {
            connection.close();
        }
        if (cancelled) {
            if (reply != null) {
                reply.release();
            }
        } else if (reply != null) {
            sink.success(reply); // a cancellation racing this discards the reply through the subscriber's hook
        } else {
            sink.error(refusal);
        }
    }

    /** The connection closed: a stale kept-alive connection is retried once, otherwise the exchange fails. */
    void closed() {
        if (finished) {
            return;
        }
        if (retryable()) {
            retry();
            return;
        }
        fail(new IOException("the connection to " + peer + " closed before chunk " + index + " was received whole"));
    }

    /** The connection failed: the exchange fails and the connection is closed. */
    void failed(Throwable cause) {
        Channel connection = channel;
        fail(cause);
        if (connection != null) {
            connection.close();
        }
    }

    private void timedOut() {
        failed(timeoutError());
    }

    private TimeoutException timeoutError() {
        return PeerClient.timedOut("chunk " + index + " from " + peer, timeout);
    }

    private void fail(Throwable cause) {
        if (finished) {
            return;
        }
        end();
        releaseBuffers();
        if (!cancelled) {
            sink.error(cause);
        }
    }

    /** Any thread: a cancelled exchange (an endgame loser) closes its connection mid-reply. */
    private void cancel() {
        cancelled = true;
        Channel connection = channel;
        if (connection != null) {
            connection.eventLoop().execute(() -> {
                if (!finished) {
                    end();
                    releaseBuffers();
                    connection.close();
                }
            });
        }
    }

    /** Marks the exchange over and detaches it from its connection; on the connection's event loop. */
    private void end() {
        finished = true;
        detach();
    }

    private void detach() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        Channel connection = channel;
        if (connection != null) {
            ChunkConnections.detach(connection);
        }
    }

    private void releaseBuffers() {
        if (body != null) {
            body.release();
            body = null;
        }
        if (problem != null) {
            problem.release();
            problem = null;
        }
    }

    private static long contentLength(HttpHeaders headers) {
        try {
            String value = headers.get(HttpHeaderNames.CONTENT_LENGTH);
            return value == null ? -1 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The serving peer's uploads in progress; -1 when absent or not a count, which only loses a hint. */
    private static int uploads(HttpHeaders headers) {
        try {
            String value = headers.get(SwarmHeaders.UPLOADS);
            return value == null ? -1 : Math.max(-1, Integer.parseInt(value));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
