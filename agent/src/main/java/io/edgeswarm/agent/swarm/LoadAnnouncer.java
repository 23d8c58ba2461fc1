package io.edgeswarm.agent.swarm;

import io.edgeswarm.agent.membership.GossipService;
import java.time.Duration;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Gossips how busy this agent's upload slots are, so downloaders send less work to loaded peers. The busy share is
 * sampled every second, smoothed, and announced in quarters: a load change costs an alive message retransmitted
 * log(N) times across the swarm, so only a change of a whole step is worth one.
 */
@Component
class LoadAnnouncer implements DisposableBean {

    private static final Duration SAMPLE = Duration.ofSeconds(1);
    /** Announced loads are multiples of this many percent. */
    static final int STEP_PERCENT = 25;
    /** Weight of the newest sample in the smoothed load. */
    private static final double SMOOTHING = 0.3;

    private final UploadSlots slots;
    private final GossipService gossip;
    private final Disposable ticker;
    private double smoothed;

    LoadAnnouncer(UploadSlots slots, GossipService gossip) {
        this.slots = slots;
        this.gossip = gossip;
        this.ticker = Flux.interval(SAMPLE, Schedulers.parallel()).subscribe(tick -> sample());
    }

    private synchronized void sample() {
        double busy = slots.capacity() == 0 ? 0 : 100.0 * slots.inUse() / slots.capacity();
        smoothed = (1 - SMOOTHING) * smoothed + SMOOTHING * busy;
        int load = quantise(smoothed);
        gossip.updateMeta(meta -> meta.load() == load ? meta : meta.withLoad(load));
    }

    /** The nearest step, 0 to 100. */
    static int quantise(double percent) {
        int steps = (int) Math.round(Math.min(100, Math.max(0, percent)) / STEP_PERCENT);
        return steps * STEP_PERCENT;
    }

    @Override
    public void destroy() {
        ticker.dispose();
    }
}
