package io.edgeswarm.agent.api;

import io.edgeswarm.agent.membership.GossipService;
import io.edgeswarm.agent.membership.Member;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** This agent's view of the swarm membership. */
@RestController
class MembershipController {

    /** One member as the API shows it. */
    record MemberView(String id, String address, String gossipAddress, String zone, Map<String, String> labels,
            String state, long incarnation, int load, boolean self) {

        static MemberView of(Member m, String localId) {
            return new MemberView(m.id(), m.meta().httpAddress(), m.address().toString(), m.meta().zone(),
                    m.meta().labels(), m.state().wireName(), m.incarnation(), m.meta().load(), m.id().equals(localId));
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
