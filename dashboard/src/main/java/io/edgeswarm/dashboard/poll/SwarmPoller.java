package io.edgeswarm.dashboard.poll;

import io.edgeswarm.dashboard.config.DashboardProperties;
import io.edgeswarm.dashboard.poll.AgentDocuments.MemberDoc;
import io.edgeswarm.dashboard.poll.AgentDocuments.StatusDoc;
import io.edgeswarm.dashboard.view.RateHistory;
import io.edgeswarm.dashboard.view.SnapshotAssembler;
import io.edgeswarm.dashboard.view.SwarmSnapshot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * Polls the swarm: the membership from the first configured agent that answers (then from any member known
 * before), then every live member's status, concurrently, each with a timeout. A dead or slow agent costs one timeout
 * and shows as unreachable; it never stalls the poll. Each result becomes the current {@link SwarmSnapshot} and is
 * pushed to subscribers.
 */
@Service
public class SwarmPoller implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SwarmPoller.class);

    private final DashboardProperties properties;
    private final AgentClient client;
    private final SnapshotAssembler assembler;
    private final RateHistory history;
    private final Clock clock;
    private final AtomicReference<SwarmSnapshot> current;
    private final Sinks.Many<SwarmSnapshot> updates = Sinks.many().replay().latest();
    private final Timer pollTimer;
    private final Counter statusFailures;
    private final Map<String, Integer> membersByState = new ConcurrentHashMap<>();
    private volatile List<String> knownAddresses = List.of();
    private Disposable loop;

    public SwarmPoller(DashboardProperties properties, AgentClient client, Clock clock, MeterRegistry registry) {
        this.properties = properties;
        this.client = client;
        this.clock = clock;
        this.assembler = new SnapshotAssembler(properties);
        this.history = new RateHistory(properties.history());
        this.current = new AtomicReference<>(SwarmSnapshot.empty(clock.instant()));
        this.pollTimer = Timer.builder("edgeswarm.dashboard.poll").description("One poll of the whole swarm")
                .register(registry);
        this.statusFailures = Counter.builder("edgeswarm.dashboard.status.failures")
                .description("Member status requests that failed or timed out").register(registry);
        for (String state : List.of("alive", "suspect", "dead", "left", "unreachable")) {
            Gauge.builder("edgeswarm.dashboard.members", membersByState, m -> m.getOrDefault(state, 0))
                    .tag("state", state).description("Members by state, as the dashboard sees them")
                    .register(registry);
        }
        Gauge.builder("edgeswarm.dashboard.artifacts", current, c -> c.get().artifacts().size())
                .description("Artifacts held anywhere in the swarm").register(registry);
    }

    @EventListener(ApplicationReadyEvent.class)
    public void start() {
        loop = Flux.interval(java.time.Duration.ZERO, properties.pollInterval(), Schedulers.parallel())
                .onBackpressureDrop()
                .concatMap(tick -> pollOnce().onErrorResume(e -> {
                    log.warn("Swarm poll failed", e);
                    return Mono.empty();
                }), 0)
                .subscribe();
    }

    public SwarmSnapshot current() {
        return current.get();
    }

    public RateHistory history() {
        return history;
    }

    /** The current snapshot, then every new one. */
    public Flux<SwarmSnapshot> updates() {
        return updates.asFlux();
    }

    /** Agents a write (a campaign) may be sent to: reachable members first, then the configured ones. */
    public List<String> writableAgents() {
        Set<String> urls = new LinkedHashSet<>();
        current().members().stream().filter(m -> m.reachable() && m.address() != null)
                .forEach(m -> urls.add(m.address()));
        urls.addAll(SeedResolver.expand(properties.agents()));
        return new ArrayList<>(urls);
    }

    Mono<SwarmSnapshot> pollOnce() {
        long started = System.nanoTime();
        List<String> sources = new ArrayList<>(SeedResolver.expand(properties.agents()));
        knownAddresses.stream().filter(a -> !sources.contains(a)).forEach(sources::add);
        return Flux.fromIterable(sources)
                .concatMap(url -> client.members(url).map(members -> Map.entry(url, members))
                        .onErrorResume(e -> {
                            log.debug("Agent {} did not list members: {}", url, e.toString());
                            return Mono.empty();
                        }), 1)
                .next()
                .flatMap(found -> pollStatuses(found.getValue()).map(statuses -> publish(found.getKey(),
                        found.getValue(), statuses)))
                .switchIfEmpty(Mono.fromSupplier(() -> publish(null, List.of(), new Polled(Map.of(), Map.of()))))
                .doOnTerminate(() -> pollTimer.record(java.time.Duration.ofNanos(System.nanoTime() - started)));
    }

    private record Polled(Map<String, StatusDoc> statuses, Map<String, String> errors) {
    }

    private Mono<Polled> pollStatuses(List<MemberDoc> members) {
        Map<String, StatusDoc> statuses = new ConcurrentHashMap<>();
        Map<String, String> errors = new ConcurrentHashMap<>();
        return Flux.fromIterable(members)
                .filter(m -> m.address() != null && !m.address().isBlank()
                        && ("alive".equals(m.state()) || "suspect".equals(m.state())))
                .flatMap(m -> client.status(m.address())
                        .doOnNext(status -> statuses.put(m.id(), status))
                        .onErrorResume(e -> {
                            statusFailures.increment();
                            errors.put(m.id(), describe(e));
                            return Mono.empty();
                        }), properties.concurrency())
                .then(Mono.fromSupplier(() -> new Polled(statuses, errors)));
    }

    private SwarmSnapshot publish(String source, List<MemberDoc> members, Polled polled) {
        SwarmSnapshot snapshot = assembler.assemble(members, polled.statuses(), polled.errors(), source,
                clock.instant());
        knownAddresses = members.stream().filter(m -> "alive".equals(m.state()) && m.address() != null)
                .map(MemberDoc::address).toList();
        membersByState.clear();
        snapshot.members().forEach(m -> membersByState.merge(m.health(), 1, Integer::sum));
        history.record(snapshot);
        current.set(snapshot);
        updates.tryEmitNext(snapshot);
        return snapshot;
    }

    private static String describe(Throwable e) {
        if (e instanceof java.util.concurrent.TimeoutException) {
            return "timed out";
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    @Override
    public void destroy() {
        if (loop != null) {
            loop.dispose();
        }
    }
}
