package io.edgeswarm.agent.swarm;

import io.edgeswarm.agent.storage.Digest;
import java.time.Duration;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * An origin sends every chunk of its artifact once before it sends any chunk twice, as a BitTorrent super-seed does.
 * The origin's upload bounds how fast a swarm can spread an artifact (Kumar and Ross: no faster than size / origin
 * upload), so a second copy from the origin while another chunk has had none is upload the peers could have done
 * themselves. A request for a chunk already sent is refused with the chunks not sent yet; the downloader takes that
 * chunk from a peer and asks the origin for one of those.
 *
 * <p>Refusals stop once every chunk has been sent, and whenever no unsent chunk has been asked for within
 * {@link #IDLE_AFTER}: downloaders that only need chunks sent before (their first receiver left, or other holders
 * served the rest) are then served rather than kept waiting. A first send that fails puts its chunk back.
 */
@Component
public class OriginFirstPass {

    /** No first sends for this long means nobody wants the unsent chunks from us: serve anything. */
    static final Duration IDLE_AFTER = Duration.ofSeconds(2);
    /** Artifacts tracked at once; the least recently asked is forgotten first (it starts a new pass if asked again). */
    static final int MAX_TRACKED = 1024;

    private final LongSupplier clock;
    private final Map<Digest, Pass> passes = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Digest, Pass> eldest) {
            return size() > MAX_TRACKED;
        }
    };

    @Autowired
    public OriginFirstPass() {
        this(System::nanoTime);
    }

    OriginFirstPass(LongSupplier nanoClock) {
        this.clock = nanoClock;
    }

    /** Claims a chunk for sending: granted (a first send or not), or refused with the chunks to ask for instead. */
    public synchronized Claim claim(Digest digest, int chunk, int chunkCount) {
        Pass pass = passes.computeIfAbsent(digest, d -> new Pass(chunkCount));
        long now = clock.getAsLong();
        if (!pass.sent.get(chunk)) {
            pass.sent.set(chunk);
            pass.sentCount++;
            pass.lastFirstSend = now;
            return Claim.FIRST;
        }
        boolean passOver = pass.sentCount >= chunkCount;
        boolean idle = now - pass.lastFirstSend > IDLE_AFTER.toNanos();
        if (passOver || idle) {
            return Claim.AGAIN;
        }
        BitSet unsent = new BitSet(chunkCount);
        unsent.set(0, chunkCount);
        unsent.andNot(pass.sent);
        return new Claim(false, unsent);
    }

    /** A first send of this chunk did not reach the downloader: the chunk counts as unsent again. */
    public synchronized void failed(Digest digest, int chunk, Claim claim) {
        Pass pass = passes.get(digest);
        if (pass != null && claim.first() && pass.sent.get(chunk)) {
            pass.sent.clear(chunk);
            pass.sentCount--;
        }
    }

    /**
     * @param first whether this is the chunk's first send from here
     * @param askInstead when refused, the chunks not sent yet; null when granted
     */
    public record Claim(boolean first, BitSet askInstead) {

        static final Claim FIRST = new Claim(true, null);
        static final Claim AGAIN = new Claim(false, null);

        public boolean granted() {
            return askInstead == null;
        }
    }

    /** The artifact is gone from this agent; a new publish of it starts a new pass. */
    public synchronized void forget(Digest digest) {
        passes.remove(digest);
    }

    private static final class Pass {
        final BitSet sent;
        /** Bits set in {@link #sent}: counted, since every chunk request of a popular artifact asks. */
        int sentCount;
        long lastFirstSend;

        Pass(int chunkCount) {
            this.sent = new BitSet(chunkCount);
        }
    }
}
