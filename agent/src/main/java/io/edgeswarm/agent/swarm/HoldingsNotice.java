package io.edgeswarm.agent.swarm;

import io.edgeswarm.agent.storage.Digest;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * BitTorrent's HAVE, pushed: the chunks of an artifact a downloader has stored since its last notice, sent to the other
 * downloaders of the artifact on the gossip socket (a datagram each, {@link
 * io.edgeswarm.agent.membership.GossipService#sendNotice}). Through polls and the bitfields that ride on chunk
 * requests, the first other downloader asked for a new chunk about 200 ms after it was stored, and the fifth about 700
 * ms (N=16 lab runs, the first five seconds), while the peers' uplinks, which must carry 14 of every 15 copies, sat
 * idle for want of requests. A notice is a hint: one that is lost costs only the wait for the next poll or request, and
 * a peer that lacks what a notice says finds out with a 404 as it does with a stale bitfield.
 *
 * <p>Body: a version byte, the artifact's 32-byte digest, the sender's uploads in progress (16 bits), a 16-bit count
 * and that many 32-bit chunk indices. The uploads steer requests as those a chunk reply reports do, and reach peers
 * that have had no reply from the sender yet, which at a swarm's start took it for idle and queued at it together.
 */
final class HoldingsNotice {

    static final byte VERSION = 1;
    /** Chunks one notice names at most, so it stays well inside a datagram; more wait for the next notice. */
    static final int MAX_CHUNKS = 128;
    private static final int DIGEST_BYTES = 32;
    private static final HexFormat HEX = HexFormat.of();

    private HoldingsNotice() {
    }

    /** What a notice says: the sender holds these chunks of this artifact. */
    record Held(Digest digest, BitSet chunks, int uploads) {
    }

    /** The notice for {@code chunks} (at most {@link #MAX_CHUNKS} of them, the lowest first) of an artifact. */
    static byte[] encode(Digest digest, BitSet chunks, int uploads) {
        int count = Math.min(chunks.cardinality(), MAX_CHUNKS);
        ByteBuffer out = ByteBuffer.allocate(1 + DIGEST_BYTES + 2 + 2 + 4 * count);
        out.put(VERSION).put(HEX.parseHex(digest.hex())).putShort((short) Math.min(Math.max(uploads, 0), 0xFFFF))
                .putShort((short) count);
        for (int chunk = chunks.nextSetBit(0), written = 0; chunk >= 0 && written < count;
                chunk = chunks.nextSetBit(chunk + 1), written++) {
            out.putInt(chunk);
        }
        return out.array();
    }

    /** The chunks a notice names; empty for a body that is not a notice of this version (it is then ignored). */
    static Optional<Held> decode(byte[] body) {
        try {
            ByteBuffer in = ByteBuffer.wrap(body);
            if (in.get() != VERSION) {
                return Optional.empty();
            }
            byte[] digest = new byte[DIGEST_BYTES];
            in.get(digest);
            int uploads = Short.toUnsignedInt(in.getShort());
            int count = Short.toUnsignedInt(in.getShort());
            if (count > MAX_CHUNKS || in.remaining() != 4 * count) {
                return Optional.empty();
            }
            BitSet chunks = new BitSet();
            for (int i = 0; i < count; i++) {
                int chunk = in.getInt();
                if (chunk < 0) {
                    return Optional.empty();
                }
                chunks.set(chunk);
            }
            return Optional.of(new Held(Digest.of(digest), chunks, uploads));
        } catch (BufferUnderflowException e) {
            return Optional.empty();
        }
    }

    /**
     * Who hears of a download's new chunks: every peer that may lack them (not banned, not known to hold every chunk
     * the notice names), those known to be fetching it first, then in the download's own random order, at most
     * {@code budget}. A peer known to hold the chunks already has no use for the news (as libtorrent, by default,
     * sends no redundant HAVE); at N=16 that left out a fifth of the datagrams, each one that neither side's gossip
     * thread handles (a notice usually names two or three chunks, and a peer is left out only when it is known to
     * hold all of them, which a peer holding the whole artifact always is).
     */
    static List<String> recipients(Collection<Download.PeerState> peers, BitSet chunks, long now, int budget) {
        List<Download.PeerState> told = new ArrayList<>();
        for (Download.PeerState state : peers) {
            if (state.bannedUntil <= now && !holdsEvery(state.has, chunks)) {
                told.add(state);
            }
        }
        told.sort(HoldingsPolls.FETCHING_FIRST);
        return told.stream().limit(budget).map(state -> state.peer.id()).toList();
    }

    private static boolean holdsEvery(BitSet has, BitSet chunks) {
        for (int chunk = chunks.nextSetBit(0); chunk >= 0; chunk = chunks.nextSetBit(chunk + 1)) {
            if (!has.get(chunk)) {
                return false;
            }
        }
        return true;
    }
}
