package io.edgeswarm.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestAsksTest {

    private static final long HEDGE_MS = 500;
    private static final int MAX_OPEN = 3;
    private static final long RETRY_MS = 1_000;

    private final ManifestAsks asks = new ManifestAsks(HEDGE_MS, MAX_OPEN, RETRY_MS);
    private final Peer origin = peer("origin");
    private final Peer early = peer("early");
    private final Peer later = peer("later");

    @Test
    void aHolderThatAnswersIsTheOnlyOneAsked() {
        assertThat(asks.next(0, List.of(origin, early))).contains(origin);

        assertThat(asks.next(100, List.of(origin, early))).isEmpty();
        assertThat(asks.next(HEDGE_MS - 1, List.of(origin, early))).isEmpty();
    }

    @Test
    void aSilentHolderGetsCompanyAfterTheHedgeDelay() {
        assertThat(asks.next(0, List.of(origin))).contains(origin);
        assertThat(asks.next(HEDGE_MS, List.of(origin))).isEmpty(); // nobody else to ask yet: keep waiting

        // Gossip names a peer that opened the artifact meanwhile: it is the hedge, though unknown at the first ask.
        assertThat(asks.next(HEDGE_MS + 100, List.of(origin, early))).contains(early);
        assertThat(asks.pending()).isTrue();
        assertThat(asks.next(HEDGE_MS + 200, List.of(origin, early, later))).isEmpty();
        assertThat(asks.next(2 * HEDGE_MS + 100, List.of(origin, early, later))).contains(later);
    }

    @Test
    void atMostMaxOpenAsksAreOpenAtOnce() {
        List<Peer> holders = List.of(origin, early, later, peer("fourth"));
        long now = 0;
        for (int i = 0; i < MAX_OPEN; i++, now += HEDGE_MS) {
            assertThat(asks.next(now, holders)).isPresent();
        }

        assertThat(asks.next(now + 10 * HEDGE_MS, holders)).isEmpty();
        asks.ended();
        assertThat(asks.next(now + 10 * HEDGE_MS, holders)).contains(holders.get(MAX_OPEN));
    }

    @Test
    void aFailedAskIsReplacedAtOnce() {
        assertThat(asks.next(0, List.of(origin, early))).contains(origin);
        asks.ended();

        assertThat(asks.next(10, List.of(origin, early))).contains(early);
    }

    @Test
    void aRoundInWhichNobodyServedWaitsTheRetryDelayThenAsksEveryoneAgain() {
        assertThat(asks.next(0, List.of(origin))).contains(origin);
        asks.ended();
        assertThat(asks.next(10, List.of(origin))).isEmpty(); // round over
        assertThat(asks.pending()).isFalse();

        assertThat(asks.next(10 + RETRY_MS - 1, List.of(origin))).isEmpty();
        assertThat(asks.next(10 + RETRY_MS, List.of(origin))).contains(origin);
    }

    @Test
    void aDirectlyFoundHolderIsAskedWithoutWaiting() {
        assertThat(asks.next(0, List.of(origin))).contains(origin);
        asks.ended();
        assertThat(asks.next(10, List.of(origin))).isEmpty();

        asks.askNow();
        assertThat(asks.next(20, List.of(origin, early))).contains(origin);
    }

    @Test
    void anEndedRoundForgetsItsAsks() {
        assertThat(asks.next(0, List.of(origin, early))).contains(origin);
        assertThat(asks.next(HEDGE_MS, List.of(origin, early))).contains(early);

        asks.endRound(HEDGE_MS + 10); // a manifest arrived but could not be opened, say
        assertThat(asks.pending()).isFalse();
        assertThat(asks.next(HEDGE_MS + 10 + RETRY_MS, List.of(origin, early))).contains(origin);
    }

    @Test
    void dueSaysWhenAnAskMayGoOutSoHoldersAreReadOnlyThen() {
        assertThat(asks.due(0)).isTrue();
        asks.next(0, List.of(origin, early));
        assertThat(asks.due(HEDGE_MS - 1)).isFalse();
        assertThat(asks.due(HEDGE_MS)).isTrue();

        asks.ended();
        assertThat(asks.next(HEDGE_MS, List.of(origin))).isEmpty(); // nobody left: the round is over
        assertThat(asks.due(HEDGE_MS + RETRY_MS - 1)).isFalse();
        assertThat(asks.due(HEDGE_MS + RETRY_MS)).isTrue();
    }

    @Test
    void nonsenseSettingsAreRefused() {
        assertThatThrownBy(() -> new ManifestAsks(0, MAX_OPEN, RETRY_MS)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ManifestAsks(HEDGE_MS, 0, RETRY_MS)).isInstanceOf(IllegalArgumentException.class);
    }

    private static Peer peer(String id) {
        return new Peer(id, "http://" + id + ":7080", "zone-a", 0);
    }
}
