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
 * arrived in, joined without a copy. Requests to one peer may share a connection ({@link ChunkConnections}), replies
 * coming in the order the requests went out. An exchange given up while replies to others wait behind its own (an
 * endgame loser, a request timed out before its reply began) stays in line and drops its reply as it arrives, so the
 * others keep their connection; given up alone, or failed, it closes the connection, and the requests behind it that
 * got nothing go out once more on another.
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
    /** Holds a reservation on {@link #channel}. */
    private volatile boolean reserved;
    /** The request went out on {@link #channel} and its reply has not ended. */
    private boolean queued;
    private boolean retried;
    /** The sink has its answer, or was cancelled: a reply still to come is dropped. */
    private boolean over;
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

    /** Sends the request on a connection to the peer with room for it, or a new one. */
    void begin() {
        sink.onCancel(this::cancel);
        send();
    }

    private void send() {
        Channel connection = connections.take(endpoint);
        channel = connection;
        reserved = true;
        ChunkConnections.whenConnected(connection, connected -> {
            if (connected.isSuccess()) {
                start(connection);
            } else {
                leave();
                fail(connected.cause());
            }
        });
    }

    private void start(Channel connection) {
        if (cancelled || over) {
            over = true;
            leave(); // nothing was sent on it
            return;
        }
        if (!connection.isActive()) {
            leave();
            closedUnanswered(); // closed while we waited for the event loop
            return;
        }
        long remaining = timeout.toNanos() - (System.nanoTime() - started);
        if (remaining <= 0) {
            leave();
            fail(timeoutError());
            return;
        }
        timer = connection.eventLoop().schedule(this::timedOut, remaining, TimeUnit.NANOSECONDS);
        ChunkConnections.enqueue(connection, this);
        queued = true;
        connection.writeAndFlush(request()).addListener((ChannelFuture written) -> {
            if (!written.isSuccess()) {
                written.channel().close(); // every exchange on it hears of it through closed()
            }
        });
    }

    /**
     * The connection closed before this exchange's reply began: the request goes out once more on another, since a
     * GET is safe to repeat. The peer may have closed an idle connection just as we sent on it (its idle timeout), or
     * closed one whose earlier reply said {@code Connection: close}, or a request ahead of ours failed.
     */
    private void closedUnanswered() {
        if (!retried && !cancelled && !over) {
            retried = true;
            send();
        } else {
            fail(closedEarly());
        }
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
        if (message instanceof HttpObject object && object.decoderResult().isFailure()) {
            failed(new IOException("malformed reply from " + peer + " to chunk " + index + ": "
                    + object.decoderResult().cause().getMessage(), object.decoderResult().cause()));
            return;
        }
        if (message instanceof HttpResponse response) {
            head(response);
        }
        if (queued && message instanceof HttpContent content) {
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
            progress = settings.lowWater().body(channel, expected);
            if (over) {
                return; // dropped as it arrives
            }
            fromOrigin = Boolean.parseBoolean(headers.get(SwarmHeaders.ORIGIN));
            holdings = HoldingsHeader.decode(headers.get(HoldingsHeader.NAME));
            uploads = uploads(headers);
            body = NetworkBuffers.ALLOCATOR.compositeDirectBuffer(Integer.MAX_VALUE);
        } else if (status == 409 && !over) {
            problem = Unpooled.buffer();
        }
    }

    private void content(ByteBuf bytes) {
        int length = bytes.readableBytes();
        bodyBytes += length;
        if (progress != null) {
            progress.received(length);
        }
        if (body != null) {
            if (length > 0) {
                body.addComponent(true, bytes.retain());
            }
        } else if (problem != null) {
            problem.writeBytes(bytes, Math.min(length, MAX_PROBLEM_BYTES - problem.readableBytes()));
        }
    }

    private void complete() {
        if (status == 200 && bodyBytes != expected) {
            failed(new IOException(peer + " sent " + bodyBytes + " of chunk " + index + "'s " + expected + " bytes"));
            return;
        }
        Channel connection = channel;
        leave();
        if (progress != null) {
            progress.done();
        }
        if (!keepAlive) {
            connection.close();
        }
        if (over) {
            releaseBuffers();
            return;
        }
        over = true;
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

    /** The connection closed with this exchange's request sent and its reply not over. */
    void closed() {
        boolean answered = status != 0;
        leave();
        if (over) {
            releaseBuffers();
        } else if (answered) {
            fail(closedEarly());
        } else {
            closedUnanswered();
        }
    }

    private IOException closedEarly() {
        return new IOException("the connection to " + peer + " closed before chunk " + index + " was received whole");
    }

    /** The reply failed: the exchange fails and the connection is closed; where the next reply begins is unknown. */
    void failed(Throwable cause) {
        Channel connection = channel;
        leave();
        fail(cause);
        connection.close();
    }

    /** The connection failed (reset, a TLS error) while this exchange's reply was the one to come. */
    void broken(Throwable cause) {
        failed(new IOException("the connection to " + peer + " failed before chunk " + index + " was received whole: "
                + cause.getMessage(), cause));
    }

    private void timedOut() {
        timer = null;
        giveUp(timeoutError());
    }

    private TimeoutException timeoutError() {
        return PeerClient.timedOut("chunk " + index + " from " + peer, timeout);
    }

    /** Any thread: the subscriber no longer wants the chunk (an endgame loser, a download stopped). */
    private void cancel() {
        cancelled = true;
        Channel connection = channel;
        if (connection != null) {
            connection.eventLoop().execute(() -> giveUp(null));
        }
    }

    /**
     * Ends the exchange before its reply is over, with {@code cause} to the sink unless it was cancelled. Alone on
     * its connection, or with its reply begun behind a stuck one, it closes the connection, which saves the rest of
     * its reply; with replies to others waiting behind its own, it stays in line and drops its reply as it comes.
     */
    private void giveUp(Throwable cause) {
        Channel connection = channel;
        if (!connection.eventLoop().inEventLoop()) {
            connection.eventLoop().execute(() -> giveUp(cause)); // moved to another connection meanwhile
            return;
        }
        if (!queued || over) {
            return; // not sent yet (start() sees the cancellation), or over already
        }
        boolean keepConnection = !ChunkConnections.alone(connection, this)
                && !(cause != null && ChunkConnections.receiving(connection, this));
        if (keepConnection) {
            fail(cause); // still queued: its reply is dropped as it arrives
        } else {
            failed(cause);
        }
    }

    private void fail(Throwable cause) {
        cancelTimer();
        releaseBuffers();
        if (over) {
            return;
        }
        over = true;
        if (!cancelled && cause != null) {
            sink.error(cause);
        }
    }

    /** Takes this exchange off its connection; on the connection's event loop. */
    private void leave() {
        cancelTimer();
        Channel connection = channel;
        if (connection != null && (queued || reserved)) {
            ChunkConnections.leave(connection, this, queued, reserved);
        }
        queued = false;
        reserved = false;
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
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
