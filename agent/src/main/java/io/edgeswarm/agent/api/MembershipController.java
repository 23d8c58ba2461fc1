package io.edgeswarm.agent.api;

import io.edgeswarm.agent.membership.GossipService;
import io.edgeswarm.agent.membership.Member;
import io.edgeswarm.agent.swarm.HoldingsSummary;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** This agent's view of the swarm membership. */
@RestController
class MembershipController {

    /** One member as the API shows it; {@code artifacts} is its gossiped holdings summary. */
    record MemberView(String id, String address, String gossipAddress, String zone, Map<String, String> labels,
            String state, long incarnation, int load, boolean self, List<Holding> artifacts,
            boolean artifactsTruncated) {

        static MemberView of(Member m, String localId) {
            HoldingsSummary summary = HoldingsSummary.decode(m.meta().artifacts()).orElse(HoldingsSummary.EMPTY);
            return new MemberView(m.id(), m.meta().httpAddress(), m.address().toString(), m.meta().zone(),
                    m.meta().labels(), m.state().wireName(), m.incarnation(), m.meta().load(), m.id().equals(localId),
                    summary.entries().stream().map(Holding::of).toList(), summary.truncated());
        }
    }

    /** An artifact a member holds: digest prefix (16 hex) and progress, 0 to 1. */
    record Holding(String digestPrefix, double progress, boolean complete) {

        static Holding of(HoldingsSummary.Entry entry) {
            return new Holding(entry.prefix(), entry.progress() / 255.0, entry.complete());
        }
    }

    private final GossipService gossip;

    MembershipController(GossipService gossip) {
        this.gossip = gossip;
    }

    @GetMapping("/api/v1/swarm/members")
    Mono<List<MemberView>> members() {
        return gossip.members().map(members -> members.stream()
                .sorted(Comparator.comparing(Member::id))
                .map(m -> MemberView.of(m, gossip.localId())).toList());
    }
}
