package io.edgeswarm.agent.membership;

import java.util.Arrays;
import java.util.List;

/** The gossip protocol's messages (SWIM with memberlist's extensions). Encoded by {@link MessageCodec}. */
sealed interface Message {

    /** Direct probe; {@code target} names who should answer so a restarted node at the same address does not. */
    record Ping(int seq, String target, String source) implements Message {
    }

    /** Asks the receiver to probe {@code target} for {@code source} and relay the ack (or a nack if none). */
    record IndirectPing(int seq, String target, NodeAddress targetAddress, String source, boolean wantNack)
            implements Message {
    }

    record Ack(int seq) implements Message {
    }

    /** The relay reached no answer in time: tells the prober its own network is fine (Lifeguard). */
    record Nack(int seq) implements Message {
    }

    record Alive(long incarnation, String node, NodeAddress address, NodeMeta meta) implements Message {
    }

    record Suspect(long incarnation, String node, String from) implements Message {
    }

    /** {@code from == node} means the node left gracefully. */
    record Dead(long incarnation, String node, String from) implements Message {
    }

    /** Several messages in one datagram. */
    record Compound(List<Message> parts) implements Message {
    }

    /** Full state exchanged over TCP, periodically and on join; {@code reply} marks the answer to a request. */
    record PushPull(boolean join, boolean reply, List<MemberEntry> members) implements Message {
    }

    /**
     * A message from member {@code node} to this member alone, for a component beside the protocol: carried on the
     * gossip socket (sealed like the rest when gossip is encrypted), never gossiped on. The swarm's holdings notices
     * travel this way.
     */
    record Notice(String node, byte[] body) implements Message {

        @Override
        public boolean equals(Object other) {
            return other instanceof Notice notice && node.equals(notice.node) && Arrays.equals(body, notice.body);
        }

        @Override
        public int hashCode() {
            return 31 * node.hashCode() + Arrays.hashCode(body);
        }

        @Override
        public String toString() {
            return "Notice[node=" + node + ", body=" + body.length + " bytes]";
        }
    }

    /** One member's entry in a push-pull exchange. */
    record MemberEntry(String node, NodeAddress address, long incarnation, MemberState state, NodeMeta meta) {
    }
}
