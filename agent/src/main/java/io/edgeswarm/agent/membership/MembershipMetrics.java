package io.edgeswarm.agent.membership;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/** Prometheus view of the gossip protocol: members by state, traffic, drops by reason, probes and local health. */
@Component
class MembershipMetrics {

    MembershipMetrics(MeterRegistry registry, GossipService gossip) {
        for (MemberState state : MemberState.values()) {
            Gauge.builder("edgeswarm.members", gossip, g -> g.countsByState().get(state))
                    .description("Members as this agent sees them").tag("state", state.wireName()).register(registry);
        }
        counter(registry, gossip, "edgeswarm.gossip.messages", "direction", "sent", s -> s.packetsSent);
        counter(registry, gossip, "edgeswarm.gossip.messages", "direction", "received", s -> s.packetsReceived);
        counter(registry, gossip, "edgeswarm.gossip.bytes", "direction", "sent", s -> s.bytesSent);
        counter(registry, gossip, "edgeswarm.gossip.bytes", "direction", "received", s -> s.bytesReceived);
        counter(registry, gossip, "edgeswarm.gossip.streams", "direction", "sent", s -> s.streamsSent);
        counter(registry, gossip, "edgeswarm.gossip.streams", "direction", "received", s -> s.streamsReceived);
        counter(registry, gossip, "edgeswarm.gossip.dropped", "reason", "malformed", s -> s.malformed);
        dropped(registry, gossip, "unauthenticated", g -> g.transport() == null ? null
                : g.transport().droppedUnauthenticated);
        dropped(registry, gossip, "oversize", g -> g.transport() == null ? null : g.transport().droppedOversize);
        dropped(registry, gossip, "not_ip", g -> g.transport() == null ? null : g.transport().droppedNotIp);
        dropped(registry, gossip, "queue_full", g -> g.droppedQueueFull);
        counter(registry, gossip, "edgeswarm.gossip.probes", "outcome", "sent", s -> s.probes);
        counter(registry, gossip, "edgeswarm.gossip.probes", "outcome", "failed", s -> s.probesFailed);
        counter(registry, gossip, "edgeswarm.gossip.suspicions", "origin", "local", s -> s.suspicions);
        counter(registry, gossip, "edgeswarm.gossip.refutations", "origin", "local", s -> s.refutations);
        counter(registry, gossip, "edgeswarm.gossip.conflicts", "kind", "id", s -> s.conflicts);
        Gauge.builder("edgeswarm.gossip.health.score", gossip, GossipService::healthScore)
                .description("Lifeguard local health: 0 is healthy; probe timeouts scale with score + 1")
                .register(registry);
        Timer rtt = Timer.builder("edgeswarm.gossip.probe.rtt").description("Round trip of direct probes")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(5)).register(registry);
        gossip.onProbeRoundTrip(ms -> rtt.record(Duration.ofMillis(ms)));
    }

    private static void counter(MeterRegistry registry, GossipService gossip, String name, String tag, String value,
            Function<GossipStats, LongAdder> field) {
        FunctionCounter.builder(name, gossip, g -> field.apply(g.stats()).sum()).tag(tag, value).register(registry);
    }

    private static void dropped(MeterRegistry registry, GossipService gossip, String reason,
            Function<GossipService, LongAdder> field) {
        FunctionCounter.builder("edgeswarm.gossip.dropped", gossip, g -> {
            LongAdder adder = field.apply(g);
            return adder == null ? 0 : adder.sum();
        }).tag("reason", reason).register(registry);
    }
}
