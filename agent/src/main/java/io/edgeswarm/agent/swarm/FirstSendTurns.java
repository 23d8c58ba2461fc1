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
 * <p>A send waits here after its upload slot and first-pass claim are granted, so waiting requests are bounded by
 * {@code upload-slots}, and while the link stays full the last of them ends about when it would have sharing it.
 * {@code first-send-streams} = 0, the default, sends every first copy at once, as any other chunk: in turns the
 * origin must feed each socket as its send ends, and an origin short of CPU does so late while its link idles (a
 * 16-agent lab on 2 cores: 96.4 s for the origin's copy instead of 90.0 s; docs/benchmarks.md).
 */
@Component
public class FirstSendTurns {

    private final int streams;
    private int running;
    private final Deque<Turn> waiting = new ArrayDeque<>();

    @Autowired
    public FirstSendTurns(EdgeswarmProperties properties, MeterRegistry registry) {
        this(properties.transfer().firstSendStreams());
        Gauge.builder("edgeswarm.upload.first.sends.waiting", this, FirstSendTurns::waiting)
                .description("An origin's first sends of chunks waiting for their turn").register(registry);
    }

    FirstSendTurns(int streams) {
        this.streams = streams;
    }

    /** Whether first sends take turns at all ({@code first-send-streams} above 0). */
    public boolean enabled() {
        return streams > 0;
    }

    /** {@code send}, subscribed once fewer than {@code first-send-streams} first sends are running. */
    public Mono<Void> inTurn(Mono<Void> send) {
        if (!enabled()) {
            return send;
        }
        return Mono.defer(() -> {
            Turn turn = new Turn();
            return turn.granted().then(send).doFinally(signal -> turn.end());
        });
    }

    synchronized int waiting() {
        return waiting.size();
    }

    /** One send's place: waiting, then running, then ended (by completion, error or cancellation). */
    private final class Turn {

        private final Sinks.Empty<Void> grant = Sinks.empty();
        private boolean running;
        private boolean ended;

        Mono<Void> granted() {
            synchronized (FirstSendTurns.this) {
                if (FirstSendTurns.this.running < streams) {
                    FirstSendTurns.this.running++;
                    running = true;
                    return Mono.empty();
                }
                waiting.addLast(this);
            }
            return grant.asMono();
        }

        void end() {
            Turn next = null;
            synchronized (FirstSendTurns.this) {
                if (ended) {
                    return;
                }
                ended = true;
                if (!running) {
                    waiting.remove(this);
                    return;
                }
                next = waiting.pollFirst();
                if (next == null) {
                    FirstSendTurns.this.running--;
                } else {
                    next.running = true; // the slot passes straight on
                }
            }
            if (next != null) {
                next.grant.tryEmitEmpty();
            }
        }
    }
}
