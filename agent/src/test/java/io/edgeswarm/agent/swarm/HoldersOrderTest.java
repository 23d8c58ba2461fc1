package io.edgeswarm.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgeswarm.agent.membership.Member;
import io.edgeswarm.agent.membership.MemberState;
import io.edgeswarm.agent.membership.NodeAddress;
import io.edgeswarm.agent.membership.NodeMeta;
import io.edgeswarm.agent.storage.Digest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who a download's holders are, in the order it asks them for the manifest. */
class HoldersOrderTest {

    private static final Digest WANTED = Digest.of(new byte[32]);
    private static final Digest OTHER = Digest.of(filled(7));

    @Test
    void fullestHoldersComeFirstAndTruncatedSummariesLast() {
        List<Member> members = List.of(
                member("starting", MemberState.ALIVE, List.of(entry(WANTED, 0))),
                member("truncated", MemberState.ALIVE, List.of(entry(OTHER, 255), entry(OTHER, 255)), 1),
                member("half", MemberState.ALIVE, List.of(entry(WANTED, 128))),
                member("origin", MemberState.ALIVE, List.of(entry(WANTED, 255))),
                member("nothing", MemberState.ALIVE, List.of(entry(OTHER, 255))));

        assertThat(ids(SwarmService.holders(members, WANTED, "self")))
                .containsExactly("origin", "half", "starting", "truncated");
    }

    @Test
    void theLocalAgentAndMembersNotAliveAreNoHolders() {
        List<Member> members = List.of(
                member("self", MemberState.ALIVE, List.of(entry(WANTED, 255))),
                member("suspect", MemberState.SUSPECT, List.of(entry(WANTED, 255))),
                member("dead", MemberState.DEAD, List.of(entry(WANTED, 255))),
                member("peer", MemberState.ALIVE, List.of(entry(WANTED, 10))));

        assertThat(ids(SwarmService.holders(members, WANTED, "self"))).containsExactly("peer");
    }

    private static HoldingsSummary.Entry entry(Digest digest, int progress) {
        return new HoldingsSummary.Entry(digest.hex().substring(0, 2 * HoldingsSummary.PREFIX_BYTES), progress);
    }

    private static Member member(String id, MemberState state, List<HoldingsSummary.Entry> entries) {
        return member(id, state, entries, entries.size());
    }

    /** @param fit how many entries the summary has room for: fewer than given marks it truncated */
    private static Member member(String id, MemberState state, List<HoldingsSummary.Entry> entries, int fit) {
        byte[] summary = HoldingsSummary.encode(new ArrayList<>(entries),
                HoldingsSummary.HEADER_BYTES + fit * HoldingsSummary.ENTRY_BYTES);
        NodeMeta meta = new NodeMeta("http://" + id + ":7080", "zone-a", Map.of(), 0, summary);
        return new Member(id, new NodeAddress(id, 7946), meta, state, 1, 0);
    }

    private static List<String> ids(List<Peer> peers) {
        return peers.stream().map(Peer::id).toList();
    }

    private static byte[] filled(int value) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
