package io.edgeswarm.dashboard.web;

import io.edgeswarm.dashboard.poll.SwarmPoller;
import io.edgeswarm.dashboard.view.SwarmSnapshot;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

/**
 * Server-sent events: one {@code snapshot} event per poll with the swarm's totals. Pages refresh their live part when
 * one arrives, so browsers never poll agents and never poll the dashboard on a timer.
 */
@RestController
class EventsController {

    /** Comment lines keep idle proxies from closing the stream. */
    private static final Duration KEEPALIVE = Duration.ofSeconds(15);

    /** What each event carries. */
    record Tick(long version, String takenAt, int members, long alive, long suspect, long dead, long unreachable,
            int artifacts, int alerts, double inBytesPerSecond, double outBytesPerSecond) {

        static Tick of(SwarmSnapshot s) {
            return new Tick(s.version(), s.takenAt().toString(), s.members().size(), s.count("alive"),
                    s.count("suspect"), s.count("dead"), s.count("unreachable"), s.artifacts().size(),
                    s.alerts().size(), s.inRate(), s.outRate());
        }
    }

    private final SwarmPoller poller;
    private final AtomicInteger clients = new AtomicInteger();

    EventsController(SwarmPoller poller, MeterRegistry registry) {
        this.poller = poller;
        Gauge.builder("edgeswarm.dashboard.sse.clients", clients, AtomicInteger::get)
                .description("Browsers following live updates").register(registry);
    }

    @GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<Tick>> events() {
        Flux<ServerSentEvent<Tick>> snapshots = poller.updates().map(s -> ServerSentEvent.<Tick>builder(Tick.of(s))
                .event("snapshot").id(Long.toString(s.version())).build());
        Flux<ServerSentEvent<Tick>> keepalive = Flux.interval(KEEPALIVE)
                .map(i -> ServerSentEvent.<Tick>builder().comment("keepalive").build());
        return Flux.merge(snapshots, keepalive)
                .doOnSubscribe(s -> clients.incrementAndGet())
                .doFinally(signal -> clients.decrementAndGet());
    }
}
