package io.edgeswarm.agent.swarm;

import io.edgeswarm.agent.storage.Digest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * What a member holds, small enough to gossip: for each artifact the first 8 bytes of its digest and its progress
 * in 255ths (255 = complete), at most as many as fit the metadata budget. A truncated summary says so, and peers
 * then ask the member's HTTP API. Prefix collisions only cost a wasted HTTP request; chunks are always verified.
 */
public record HoldingsSummary(List<Entry> entries, boolean truncated) {

    static final int VERSION = 1;
    static final int PREFIX_BYTES = 8;
    static final int ENTRY_BYTES = PREFIX_BYTES + 1;
    static final int HEADER_BYTES = 3;
    static final int COMPLETE = 255;

    /** One artifact: digest prefix (16 hex) and progress 0..255. */
    public record Entry(String prefix, int progress) {

        public boolean complete() {
            return progress == COMPLETE;
        }

        public boolean matches(Digest digest) {
            return digest.hex().startsWith(prefix);
        }
    }

    public static final HoldingsSummary EMPTY = new HoldingsSummary(List.of(), false);

    static Entry entry(Digest digest, double progress, boolean complete) {
        int level = complete ? COMPLETE : (int) Math.min(COMPLETE - 1, Math.floor(progress * COMPLETE));
        return new Entry(digest.hex().substring(0, 2 * PREFIX_BYTES), level);
    }

    /** Encodes as many entries as fit in {@code budget} bytes, in the order given. */
    static byte[] encode(List<Entry> entries, int budget) {
        int fit = Math.max(0, Math.min(255, (budget - HEADER_BYTES) / ENTRY_BYTES));
        int count = Math.min(fit, entries.size());
        ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + count * ENTRY_BYTES);
        out.put((byte) VERSION).put((byte) (count < entries.size() ? 1 : 0)).put((byte) count);
        for (Entry entry : entries.subList(0, count)) {
            out.put(HexFormat.of().parseHex(entry.prefix())).put((byte) entry.progress());
        }
        return out.array();
    }

    /** Decodes a member's summary; empty for anything malformed or of another version. */
    public static Optional<HoldingsSummary> decode(byte[] bytes) {
        if (bytes.length < HEADER_BYTES || bytes[0] != VERSION) {
            return Optional.empty();
        }
        int count = Byte.toUnsignedInt(bytes[2]);
        if (bytes.length != HEADER_BYTES + count * ENTRY_BYTES) {
            return Optional.empty();
        }
        List<Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int at = HEADER_BYTES + i * ENTRY_BYTES;
            entries.add(new Entry(HexFormat.of().formatHex(bytes, at, at + PREFIX_BYTES),
                    Byte.toUnsignedInt(bytes[at + PREFIX_BYTES])));
        }
        return Optional.of(new HoldingsSummary(List.copyOf(entries), bytes[1] != 0));
    }

    /** The entry for {@code digest}, if listed. */
    public Optional<Entry> find(Digest digest) {
        return entries.stream().filter(e -> e.matches(digest)).findFirst();
    }
}
