package io.edgeswarm.agent.api;

import java.util.BitSet;

/**
 * This origin has sent the chunk once already and still has chunks it has sent to nobody (409): the downloader should
 * get this one from a peer and ask the origin for one of {@link #askInstead()}. It carries no stack trace: it is an
 * answer, not a fault, and a stack filled in for each of them would cost CPU for nothing.
 */
class ChunkSentAlreadyException extends RuntimeException {

    private final BitSet askInstead;

    ChunkSentAlreadyException(int chunk, BitSet askInstead) {
        super("chunk " + chunk + " has been sent by this origin already, and " + askInstead.cardinality()
                + " chunks have been sent by it to nobody yet: fetch this one from a peer and ask here for one of"
                + " those (askInstead, a base64 bitfield)", null, false, false);
        this.askInstead = askInstead;
    }

    BitSet askInstead() {
        return askInstead;
    }
}
