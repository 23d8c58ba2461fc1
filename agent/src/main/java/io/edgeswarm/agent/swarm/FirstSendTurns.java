package io.edgeswarm.agent.swarm;

import io.edgeswarm.agent.config.EdgeswarmProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.Deque;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Sends an origin's first copies of chunks a few at a time instead of all at once. A peer passes a chunk on only
 * once it holds the whole chunk, so the origin's first copies are what every peer's upload waits for. Sixteen
 * first sends sharing the origin's link all finish late together (a 1 MiB chunk each takes 1.3 s at 100 Mbit/s); in
 * turn, the first finishes in 0.08 s and its receiver starts passing it on while the others are still sent. The
 * link carries the same bytes either way; only when each chunk becomes useful changes.
 *
 * <p>First sends in turns hold no upload slot: up to {@code first-send-streams} run and up to
 * {@code first-send-queue} more wait, and beyond that a request is refused as busy. Holding slots while waiting
 * would refuse the very downloaders the origin must feed (a lab origin refused about a hundred requests in its first
 * seconds that way). {@code first-send-streams} = 0, the default, sends every first copy at once, as any other
 * chunk. Turns of 6, each turn's connection on CUBIC, gave the lab's fastest runs, but also some of its slowest: a
 * slow first second at the origin left the peers a backlog they never repaid. Only first sends to the origin's own
 * zone take turns: across thin WAN links first sends to other zones crawl, and in turns they held every turn while
 * the origin's own zone waited (edge sites: twice the time), so they hold upload slots as any other chunk. See
 * docs/benchmarks.md, thirty-first, thirty-eighth and thirty-ninth rounds.
 *
 * <p>A send for a downloader that holds no chunk of the artifact yet goes ahead of the others waiting. In arrival order
 * alone, a downloader that started a second late found the line full of the others' next requests: its first chunk
 * came 1-2 s after its first request, and until then it had nothing to pass on (N=16 lab traces, thirty-second
 * round). Only the requests a downloader sends before its first chunk arrives jump the line (a few: {@code
 * requests-per-peer}), so no downloader waits behind them for long.
 */
@Component
public class FirstSendTurns {

    private final int streams;
    private final int admitLimit;
    private int admitted;
    private int running;
    /** Sends for downloaders that hold nothing yet, served before {@link #waiting}. */
    private final Deque<Turn> ahead = new ArrayDeque<>();
    private final Deque<Turn> waiting = new ArrayDeque<>();

    @Autowired
    public FirstSendTurns(EdgeswarmProperties properties, MeterRegistry registry) {
        this(properties.transfer().firstSendStreams(), properties.transfer().firstSendQueue());
        Gauge.builder("edgeswarm.upload.first.sends.waiting", this, FirstSendTurns::waiting)
                .description("An origin's first sends of chunks waiting for their turn").register(registry);
        Gauge.builder("edgeswarm.upload.first.sends.running", this, FirstSendTurns::running)
                .description("An origin's first sends of chunks in their turn").register(registry);
    }

    FirstSendTurns(int streams, int queue) {
        this.streams = streams;
        this.admitLimit = streams + queue;
    }

    /** Whether first sends take turns at all ({@code first-send-streams} above 0). */
    public boolean enabled() {
        return streams > 0;
    }

    /**
     * A place in line for one first send, or null when {@code first-send-queue} sends wait already. The place must
     * be {@linkplain Turn#end() ended} whether or not its send ever runs.
     *
     * @param emptyHanded whether the send's downloader said it holds no chunk of the artifact: if it must wait, it
     *     waits ahead of every send for a downloader that holds some
     */
    public synchronized Turn tryAdmit(boolean emptyHanded) {
        if (!enabled() || admitted >= admitLimit) {
            return null;
        }
        admitted++;
        return new Turn(emptyHanded);
    }

    /** First sends admitted and not ended, running or waiting: what they add to this agent's uploads. */
    public synchronized int admitted() {
        return admitted;
    }

    synchronized int waiting() {
        return ahead.size() + waiting.size();
    }

    synchronized int running() {
        return running;
    }

    /** One send's place: admitted, then waiting or running, then ended (by completion, error or cancellation). */
    public final class Turn {

        private final Sinks.Empty<Void> grant = Sinks.empty();
        private final boolean emptyHanded;
        private boolean started;
        private boolean ended;

        private Turn(boolean emptyHanded) {
            this.emptyHanded = emptyHanded;
        }

        /** {@code send}, subscribed once fewer than {@code first-send-streams} first sends are running. */
        public Mono<Void> send(Mono<Void> send) {
            return Mono.defer(() -> granted().then(send)).doFinally(signal -> end());
        }

        private Mono<Void> granted() {
            synchronized (FirstSendTurns.this) {
                if (ended) {
                    return Mono.error(new IllegalStateException("this first send gave its turn up already"));
                }
                if (running < streams) {
                    running++;
                    started = true;
                    return Mono.empty();
                }
                (emptyHanded ? ahead : waiting).addLast(this);
            }
            return grant.asMono();
        }

        /**
         * Gives the place up; idempotent. A running send's turn passes to the longest waiting one, those for
         * downloaders that hold nothing first.
         */
        public void end() {
            Turn next = null;
            synchronized (FirstSendTurns.this) {
                if (ended) {
                    return;
                }
                ended = true;
                admitted--;
                if (!started) {
                    (emptyHanded ? ahead : waiting).remove(this);
                    return;
                }
                next = ahead.isEmpty() ? waiting.pollFirst() : ahead.pollFirst();
                if (next == null) {
                    running--;
                } else {
                    next.started = true; // the stream passes straight on
                }
            }
            if (next != null) {
                next.grant.tryEmitEmpty();
            }
        }
    }
}
