package io.edgeswarm.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

class FirstSendTurnsTest {

    private static final int QUEUE = 8;

    private final List<String> started = new ArrayList<>();

    /** A send that records when it is subscribed and finishes when its sink says so. */
    private Mono<Void> send(String name, Sinks.Empty<Void> done) {
        return Mono.defer(() -> {
            started.add(name);
            return done.asMono();
        });
    }

    @Test
    void oneStreamSendsInArrivalOrderEachAfterTheOneBefore() {
        FirstSendTurns turns = new FirstSendTurns(1, QUEUE);
        Sinks.Empty<Void> a = Sinks.empty();
        Sinks.Empty<Void> b = Sinks.empty();
        Sinks.Empty<Void> c = Sinks.empty();

        turns.tryAdmit(false).send(send("a", a)).subscribe();
        turns.tryAdmit(false).send(send("b", b)).subscribe();
        turns.tryAdmit(false).send(send("c", c)).subscribe();
        assertThat(started).containsExactly("a");
        assertThat(turns.waiting()).isEqualTo(2);

        a.tryEmitEmpty();
        assertThat(started).containsExactly("a", "b");
        b.tryEmitError(new IllegalStateException("connection reset"));
        assertThat(started).containsExactly("a", "b", "c");
        c.tryEmitEmpty();
        assertThat(turns.waiting()).isZero();

        // The turn is free again: a later send starts at once.
        turns.tryAdmit(false).send(send("d", Sinks.empty())).subscribe();
        assertThat(started).containsExactly("a", "b", "c", "d");
    }

    @Test
    void twoStreamsRunTwoAtOnce() {
        FirstSendTurns turns = new FirstSendTurns(2, QUEUE);
        Sinks.Empty<Void> a = Sinks.empty();

        turns.tryAdmit(false).send(send("a", a)).subscribe();
        turns.tryAdmit(false).send(send("b", Sinks.empty())).subscribe();
        turns.tryAdmit(false).send(send("c", Sinks.empty())).subscribe();
        assertThat(started).containsExactly("a", "b");

        a.tryEmitEmpty();
        assertThat(started).containsExactly("a", "b", "c");
    }

    @Test
    void aSendCancelledWhileWaitingNeverStartsAndKeepsNoPlace() {
        FirstSendTurns turns = new FirstSendTurns(1, QUEUE);
        Sinks.Empty<Void> a = Sinks.empty();

        turns.tryAdmit(false).send(send("a", a)).subscribe();
        Disposable gone = turns.tryAdmit(false).send(send("b", Sinks.empty())).subscribe();
        turns.tryAdmit(false).send(send("c", Sinks.empty())).subscribe();
        gone.dispose();
        assertThat(turns.waiting()).isEqualTo(1);

        a.tryEmitEmpty();
        assertThat(started).containsExactly("a", "c");
    }

    @Test
    void aRunningSendCancelledPassesItsTurnOn() {
        FirstSendTurns turns = new FirstSendTurns(1, QUEUE);

        Disposable running = turns.tryAdmit(false).send(send("a", Sinks.empty())).subscribe();
        turns.tryAdmit(false).send(send("b", Sinks.empty())).subscribe();
        running.dispose();

        assertThat(started).containsExactly("a", "b");
    }

    @Test
    void zeroStreamsAdmitsNoFirstSendToTurns() {
        FirstSendTurns turns = new FirstSendTurns(0, QUEUE);

        assertThat(turns.enabled()).isFalse();
        assertThat(turns.tryAdmit(false)).isNull();
    }

    @Test
    void beyondTheQueueASendIsRefusedUntilAPlaceEnds() {
        FirstSendTurns turns = new FirstSendTurns(1, 2);
        FirstSendTurns.Turn running = turns.tryAdmit(false);
        running.send(send("a", Sinks.empty())).subscribe();
        turns.tryAdmit(false).send(send("b", Sinks.empty())).subscribe();
        turns.tryAdmit(false).send(send("c", Sinks.empty())).subscribe();

        assertThat(turns.tryAdmit(false)).isNull();
        assertThat(turns.admitted()).isEqualTo(3);
        assertThat(turns.waiting()).isEqualTo(2);

        running.end();
        assertThat(started).containsExactly("a", "b");
        assertThat(turns.tryAdmit(false)).isNotNull();
    }

    @Test
    void aPlaceGivenUpBeforeItsSendIsSubscribedFreesItsPlaceAndNeverSends() {
        FirstSendTurns turns = new FirstSendTurns(1, 0);
        FirstSendTurns.Turn turn = turns.tryAdmit(false);
        assertThat(turns.tryAdmit(false)).isNull();

        turn.end();
        turn.end();
        assertThat(turns.admitted()).isZero();
        turns.tryAdmit(false).send(send("b", Sinks.empty())).subscribe();
        assertThat(started).containsExactly("b");

        assertThat(turn.send(send("a", Sinks.empty())).onErrorResume(e -> Mono.empty()).block()).isNull();
        assertThat(started).containsExactly("b");
        assertThat(turns.running()).isEqualTo(1);
    }

    @Test
    void aDownloaderThatHoldsNothingWaitsAheadOfTheOthersInArrivalOrder() {
        FirstSendTurns turns = new FirstSendTurns(1, QUEUE);
        Sinks.Empty<Void> a = Sinks.empty();
        Sinks.Empty<Void> x = Sinks.empty();
        Sinks.Empty<Void> y = Sinks.empty();

        turns.tryAdmit(false).send(send("a", a)).subscribe();
        turns.tryAdmit(false).send(send("b", Sinks.empty())).subscribe();
        turns.tryAdmit(true).send(send("x", x)).subscribe();
        Disposable gone = turns.tryAdmit(true).send(send("gone", Sinks.empty())).subscribe();
        turns.tryAdmit(true).send(send("y", y)).subscribe();
        gone.dispose();
        assertThat(turns.waiting()).isEqualTo(3);

        a.tryEmitEmpty();
        x.tryEmitEmpty();
        y.tryEmitEmpty();
        assertThat(started).containsExactly("a", "x", "y", "b");
        assertThat(turns.waiting()).isZero();
    }
}
