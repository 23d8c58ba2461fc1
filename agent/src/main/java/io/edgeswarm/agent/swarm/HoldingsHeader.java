package io.edgeswarm.agent.swarm;

import io.edgeswarm.agent.storage.Bitfield;
import java.util.Base64;
import java.util.BitSet;
import java.util.Optional;

/**
 * A serving agent's bitfield, sent with every chunk it serves: its downloaders learn of its new chunks from the
 * replies they receive anyway (BitTorrent's HAVE messages, piggybacked) and need not poll it every second.
 */
public final class HoldingsHeader {

    public static final String NAME = "Edgeswarm-Holdings";
    /**
     * Larger bitfields (over 16,384 chunks) are not sent, so the header stays far below the usual 8 KiB limit on
     * HTTP headers; downloaders of such artifacts poll bitfields instead.
     */
    static final int MAX_BYTES = 2048;

    private HoldingsHeader() {
    }

    /** The header value for a bitfield, or empty if it is too large to send this way. */
    public static Optional<String> encode(Bitfield held) {
        byte[] bytes = held.toByteArray();
        return bytes.length > MAX_BYTES ? Optional.empty() : Optional.of(Base64.getEncoder().encodeToString(bytes));
    }

    /** Whether a header names an empty bitfield: the downloader holds no chunk yet. False if absent or malformed. */
    public static boolean namesNoChunk(String value) {
        BitSet held = decode(value);
        return held != null && held.isEmpty();
    }

    /** The bitfield a header names; null if there is none or it is malformed, which only costs a poll. */
    static BitSet decode(String value) {
        if (value == null || value.length() > 4 * (MAX_BYTES / 3 + 1)) {
            return null;
        }
        try {
            return BitSet.valueOf(Base64.getDecoder().decode(value));
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }
}
