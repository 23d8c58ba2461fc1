package io.edgeswarm.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

class FirstSendTurnsTest {

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
        FirstSendTurns turns = new FirstSendTurns(1);
        Sinks.Empty<Void> a = Sinks.empty();
        Sinks.Empty<Void> b = Sinks.empty();
        Sinks.Empty<Void> c = Sinks.empty();

        turns.inTurn(send("a", a)).subscribe();
        turns.inTurn(send("b", b)).subscribe();
        turns.inTurn(send("c", c)).subscribe();
        assertThat(started).containsExactly("a");
        assertThat(turns.waiting()).isEqualTo(2);

        a.tryEmitEmpty();
        assertThat(started).containsExactly("a", "b");
        b.tryEmitError(new IllegalStateException("connection reset"));
        assertThat(started).containsExactly("a", "b", "c");
        c.tryEmitEmpty();
        assertThat(turns.waiting()).isZero();

        // The turn is free again: a later send starts at once.
        turns.inTurn(send("d", Sinks.empty())).subscribe();
        assertThat(started).containsExactly("a", "b", "c", "d");
    }

    @Test
    void twoStreamsRunTwoAtOnce() {
        FirstSendTurns turns = new FirstSendTurns(2);
        Sinks.Empty<Void> a = Sinks.empty();

        turns.inTurn(send("a", a)).subscribe();
        turns.inTurn(send("b", Sinks.empty())).subscribe();
        turns.inTurn(send("c", Sinks.empty())).subscribe();
        assertThat(started).containsExactly("a", "b");

        a.tryEmitEmpty();
        assertThat(started).containsExactly("a", "b", "c");
    }

    @Test
    void aSendCancelledWhileWaitingNeverStartsAndKeepsNoPlace() {
        FirstSendTurns turns = new FirstSendTurns(1);
        Sinks.Empty<Void> a = Sinks.empty();

        turns.inTurn(send("a", a)).subscribe();
        Disposable gone = turns.inTurn(send("b", Sinks.empty())).subscribe();
        turns.inTurn(send("c", Sinks.empty())).subscribe();
        gone.dispose();
        assertThat(turns.waiting()).isEqualTo(1);

        a.tryEmitEmpty();
        assertThat(started).containsExactly("a", "c");
    }

    @Test
    void aRunningSendCancelledPassesItsTurnOn() {
        FirstSendTurns turns = new FirstSendTurns(1);

        Disposable running = turns.inTurn(send("a", Sinks.empty())).subscribe();
        turns.inTurn(send("b", Sinks.empty())).subscribe();
        running.dispose();

        assertThat(started).containsExactly("a", "b");
    }

    @Test
    void zeroStreamsSendsEverythingAtOnce() {
        FirstSendTurns turns = new FirstSendTurns(0);

        turns.inTurn(send("a", Sinks.empty())).subscribe();
        turns.inTurn(send("b", Sinks.empty())).subscribe();

        assertThat(started).containsExactly("a", "b");
        assertThat(turns.waiting()).isZero();
    }
}
