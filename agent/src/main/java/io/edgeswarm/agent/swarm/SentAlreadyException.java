package io.edgeswarm.agent.swarm;

import java.util.Base64;
import java.util.BitSet;

/**
 * An origin answered 409: it has sent this chunk once already and would rather send chunks nobody has yet (see
 * {@link OriginFirstPass}). Not a fault: take the chunk from a peer, and ask the origin for one of
 * {@link #askInstead()}. It carries no stack trace: it is an answer, and a stack filled in for each of them would cost
 * CPU for nothing.
 */
class SentAlreadyException extends RuntimeException {

    private final BitSet askInstead;

    /** @param askInstead base64 bitfield from the problem body; missing or malformed reads as "nothing offered" */
    SentAlreadyException(String peer, int chunk, String askInstead) {
        super(peer + " has sent chunk " + chunk + " already and asks for unsent chunks instead", null, false, false);
        this.askInstead = decode(askInstead);
    }

    BitSet askInstead() {
        return askInstead;
    }

    private static BitSet decode(String base64) {
        if (base64 == null) {
            return new BitSet();
        }
        try {
            return BitSet.valueOf(Base64.getDecoder().decode(base64));
        } catch (IllegalArgumentException malformed) {
            return new BitSet();
        }
    }
}
