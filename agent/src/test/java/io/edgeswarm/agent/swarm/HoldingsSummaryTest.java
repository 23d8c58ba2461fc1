package io.edgeswarm.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgeswarm.agent.storage.Digest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HoldingsSummaryTest {

    private static final Digest A = Digest.parse("sha256:" + "ab".repeat(32));
    private static final Digest B = Digest.parse("sha256:" + "cd".repeat(32));

    @Test
    void entriesRoundTripWithTheirProgress() {
        byte[] bytes = HoldingsSummary.encode(List.of(HoldingsSummary.entry(A, 1.0, true),
                HoldingsSummary.entry(B, 0.5, false)), 100);

        HoldingsSummary summary = HoldingsSummary.decode(bytes).orElseThrow();

        assertThat(summary.truncated()).isFalse();
        assertThat(summary.find(A)).hasValueSatisfying(e -> assertThat(e.complete()).isTrue());
        assertThat(summary.find(B)).hasValueSatisfying(e -> assertThat(e.progress()).isEqualTo(127));
    }

    @Test
    void whatDoesNotFitTheBudgetIsLeftOutAndFlagged() {
        List<HoldingsSummary.Entry> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add(HoldingsSummary.entry(Digest.parse("sha256:" + String.format("%064x", i)), 1.0, true));
        }

        byte[] bytes = HoldingsSummary.encode(many, 300);
        HoldingsSummary summary = HoldingsSummary.decode(bytes).orElseThrow();

        assertThat(bytes.length).isLessThanOrEqualTo(300);
        assertThat(summary.entries()).hasSize(33);
        assertThat(summary.truncated()).isTrue();
    }

    @Test
    void malformedOrForeignSummariesDecodeToNothing() {
        assertThat(HoldingsSummary.decode(new byte[0])).isEmpty();
        assertThat(HoldingsSummary.decode(new byte[] {2, 0, 0})).isEmpty();
        assertThat(HoldingsSummary.decode(new byte[] {1, 0, 1, 5})).isEmpty();
    }
}
