package io.edgeswarm.agent.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgeswarm.agent.membership.Message.Alive;
import io.edgeswarm.agent.membership.Message.Dead;
import io.edgeswarm.agent.membership.Message.Notice;
import io.edgeswarm.agent.membership.Message.Suspect;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Single-node rules of the protocol, driven through the simulator with a handful of members. */
class SwimNodeTest {

    private static final SwimConfig LAN = SwimConfig.lan();

    @Test
    void aliveClaimingAKnownIdFromAnotherAddressIsRejectedAsAConflict() {
        GossipSimulator sim = converged(3, new ArrayList<>());
        SwimNode observer = sim.nodes.get(0).node;
        NodeAddress impostor = new NodeAddress("10.9.9.9", 7946);

        observer.onPacket(impostor, MessageCodec.encode(new Alive(99, "node-1", impostor, NodeMeta.EMPTY)));

        assertThat(observer.stats().conflicts.sum()).isEqualTo(1);
        assertThat(member(observer, "node-1").address()).isEqualTo(sim.nodes.get(1).address);
    }

    @Test
    void suspicionAboutItselfIsRefutedWithAHigherIncarnation() {
        GossipSimulator sim = converged(3, new ArrayList<>());
        SwimNode accused = sim.nodes.get(1).node;

        accused.onPacket(sim.nodes.get(0).address, MessageCodec.encode(new Suspect(0, "node-1", "node-0")));
        sim.runFor(2_000);

        assertThat(accused.incarnation()).isEqualTo(1);
        assertThat(accused.stats().refutations.sum()).isEqualTo(1);
        assertThat(member(sim.nodes.get(0).node, "node-1").state()).isEqualTo(MemberState.ALIVE);
        assertThat(member(sim.nodes.get(0).node, "node-1").incarnation()).isEqualTo(1);
    }

    @Test
    void olderNewsNeverOverridesNewer() {
        GossipSimulator sim = converged(3, new ArrayList<>());
        SwimNode observer = sim.nodes.get(0).node;
        NodeAddress address = sim.nodes.get(1).address;
        observer.onPacket(address, MessageCodec.encode(new Alive(5, "node-1", address, NodeMeta.EMPTY.withLoad(5))));

        observer.onPacket(address, MessageCodec.encode(new Dead(4, "node-1", "node-2")));
        observer.onPacket(address, MessageCodec.encode(new Alive(3, "node-1", address, NodeMeta.EMPTY)));

        assertThat(member(observer, "node-1").state()).isEqualTo(MemberState.ALIVE);
        assertThat(member(observer, "node-1").incarnation()).isEqualTo(5);
        assertThat(member(observer, "node-1").meta().load()).isEqualTo(5);
    }

    @Test
    void noticesReachOnlyTheNamedMembersAndOnlyFromTheAddressTheSenderGossips() {
        GossipSimulator sim = converged(4, new ArrayList<>());
        List<String> heardByOne = new ArrayList<>();
        List<String> heardByTwo = new ArrayList<>();
        sim.nodes.get(1).node.onNotice((from, body) -> heardByOne.add(from + " " + body.length));
        sim.nodes.get(2).node.onNotice((from, body) -> heardByTwo.add(from + " " + body.length));

        int sent = sim.nodes.get(0).node.sendNotice(List.of("node-1", "node-0", "node-9"), new byte[] {1, 2, 3});
        sim.runFor(1_000);

        assertThat(sent).as("itself and a member it does not know are skipped").isEqualTo(1);
        assertThat(heardByOne).containsExactly("node-0 3");
        assertThat(heardByTwo).isEmpty();

        SwimNode observer = sim.nodes.get(1).node;
        long malformed = observer.stats().malformed.sum();
        observer.onPacket(new NodeAddress("10.9.9.9", 7946), MessageCodec.encode(new Notice("node-0", new byte[1])));
        observer.onPacket(sim.nodes.get(0).address, MessageCodec.encode(new Notice("node-7", new byte[1])));

        assertThat(heardByOne).as("a notice naming another member's id, or no member's").hasSize(1);
        assertThat(observer.stats().malformed.sum()).isEqualTo(malformed + 2);
    }

    @Test
    void gracefulLeaveIsSeenAsLeftNotDead() {
        List<MembershipEvent> seenByZero = new ArrayList<>();
        GossipSimulator sim = converged(4, seenByZero);

        sim.nodes.get(3).node.leave();
        sim.runFor(2_000);
        sim.nodes.get(3).node.stop();
        sim.runFor(20_000);

        assertThat(member(sim.nodes.get(0).node, "node-3").state()).isEqualTo(MemberState.LEFT);
        assertThat(seenByZero).extracting(MembershipEvent::type).doesNotContain(MembershipEvent.Type.DEAD);
    }

    @Test
    void deadMembersAreReapedAfterTheReclaimTime() {
        List<MembershipEvent> seenByZero = new ArrayList<>();
        GossipSimulator sim = converged(4, seenByZero);

        sim.crash(2);
        sim.runFor(LAN.suspicionMinMs(4) * LAN.suspicionMaxTimeoutMult() + 5_000);
        assertThat(member(sim.nodes.get(0).node, "node-2").state()).isEqualTo(MemberState.DEAD);
        sim.runFor(LAN.deadReclaimMs() + 5_000);

        assertThat(sim.nodes.get(0).node.members()).extracting(Member::id).doesNotContain("node-2");
        assertThat(seenByZero).extracting(MembershipEvent::type).contains(MembershipEvent.Type.REAPED);
    }

    @Test
    void metadataUpdatesReachEveryoneWithAHigherIncarnation() {
        GossipSimulator sim = converged(5, new ArrayList<>());

        sim.nodes.get(4).node.updateMeta(new NodeMeta("http://10.0.0.5:7700", "site-b", Map.of("role", "gpu"), 3,
                new byte[] {7}));
        sim.runFor(3_000);

        for (GossipSimulator.SimNode node : sim.nodes) {
            Member seen = member(node.node, "node-4");
            assertThat(seen.meta().zone()).isEqualTo("site-b");
            assertThat(seen.meta().labels()).containsEntry("role", "gpu");
            assertThat(seen.incarnation()).isEqualTo(1);
        }
    }

    private static GossipSimulator converged(int n, List<MembershipEvent> seenByZero) {
        GossipSimulator sim = new GossipSimulator(1, LAN, n, 1, 2, (observer, event) -> {
            if (observer == 0) {
                seenByZero.add(event);
            }
        });
        sim.startConverged();
        sim.runFor(3_000);
        return sim;
    }

    private static Member member(SwimNode node, String id) {
        return node.members().stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
    }
}
