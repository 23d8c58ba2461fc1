package io.edgeswarm.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.test.scheduler.VirtualTimeScheduler;

class HoldingsAnnouncerTest {

    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private final VirtualTimeScheduler clock = VirtualTimeScheduler.getOrSet();
    private final Sinks.Many<Integer> changes = Sinks.many().multicast().directBestEffort();
    /** Each trigger as (virtual millis, change). */
    private final List<long[]> triggers = new ArrayList<>();

    HoldingsAnnouncerTest() {
        HoldingsAnnouncer.triggers(changes.asFlux(), INTERVAL)
                .subscribe(change -> triggers.add(new long[] {clock.now(java.util.concurrent.TimeUnit.MILLISECONDS),
                        change}));
    }

    @AfterEach
    void resetClock() {
        VirtualTimeScheduler.reset();
    }

    @Test
    void aChangeAfterAQuietIntervalIsAnnouncedAtOnce() {
        clock.advanceTimeBy(Duration.ofMillis(5_300));
        changes.tryEmitNext(1);

        assertThat(triggers).hasSize(1);
        assertThat(triggers.get(0)).containsExactly(5_300, 1);
    }

    @Test
    void aBurstOfChangesIsAnnouncedAtMostTwiceAnIntervalAndEndsWithTheLatest() {
        for (int change = 1; change <= 30; change++) {
            changes.tryEmitNext(change);
            clock.advanceTimeBy(Duration.ofMillis(100));
        }
        clock.advanceTimeBy(INTERVAL);

        assertThat(triggers.get(0)).containsExactly(0, 1);
        assertThat(triggers.get(triggers.size() - 1)[1]).isEqualTo(30);
        for (long second = 0; second < 4; second++) {
            long from = second * 1_000;
            assertThat(triggers.stream().filter(t -> t[0] >= from && t[0] < from + 1_000).count())
                    .as("triggers in second %d", second).isLessThanOrEqualTo(2);
        }
        assertThat(triggers.size()).isLessThan(10);
    }
}
