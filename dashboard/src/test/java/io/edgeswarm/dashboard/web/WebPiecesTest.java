package io.edgeswarm.dashboard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgeswarm.dashboard.view.MemberRow;
import io.edgeswarm.dashboard.view.RateHistory.Point;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Member filtering and sorting, paging, the form's selector, the chart's geometry and the number formats. */
class WebPiecesTest {

    private static final List<MemberRow> MEMBERS = List.of(
            new MemberRow("b-2", "zone-b", Map.of("role", "gpu"), "alive", "http://10.0.0.2:7700", 50, null, "x"),
            new MemberRow("a-1", "zone-a", Map.of(), "alive", "http://10.0.0.1:7700", 0, null, "x"),
            new MemberRow("c-3", "zone-b", Map.of(), "dead", "http://10.0.0.3:7700", 25, null, null));

    @Test
    void membersAreFilteredAndSorted() {
        assertThat(ids(new MemberQuery(null, null, null, null, null))).containsExactly("a-1", "b-2", "c-3");
        assertThat(ids(new MemberQuery("", "", "zone-b", "load", "desc"))).containsExactly("b-2", "c-3");
        assertThat(ids(new MemberQuery("GPU", null, null, null, null))).containsExactly("b-2");
        assertThat(ids(new MemberQuery(null, "dead", null, null, null))).containsExactly("c-3");
        assertThat(ids(new MemberQuery(null, "unreachable", null, null, null))).containsExactly("a-1", "b-2");
        assertThat(ids(new MemberQuery(null, null, null, "no-such-column", "sideways")))
                .containsExactly("a-1", "b-2", "c-3");
        assertThat(new MemberQuery(null, null, null, "id", "asc").nextDir("id")).isEqualTo("desc");
        assertThat(new MemberQuery(null, null, null, "id", "asc").nextDir("zone")).isEqualTo("asc");
    }

    @Test
    void pagesClampToTheRowsThereAre() {
        List<Integer> rows = java.util.stream.IntStream.range(0, 120).boxed().toList();
        Page<Integer> last = Page.of(rows, 99, 50);
        assertThat(last.number()).isEqualTo(2);
        assertThat(last.rows()).hasSize(20).startsWith(100);
        assertThat(last.hasNext()).isFalse();
        assertThat(Page.of(rows, -3, 50).rows()).startsWith(0);
        assertThat(Page.of(List.of(), 0, 50).pages()).isEqualTo(1);
    }

    @Test
    void theFormBuildsASelectorAndExplainsBadLabels() {
        var selector = new DistributionForm("sha256:x", " zone-b ", "role=gpu, tier = edge", "t").selector();
        assertThat(selector.zone()).isEqualTo("zone-b");
        assertThat(selector.labels()).containsExactly(Map.entry("role", "gpu"), Map.entry("tier", "edge"));
        assertThat(new DistributionForm("d", "", "", "").selector().labels()).isNull();
        assertThatThrownBy(() -> new DistributionForm("d", "", "role", "").selector())
                .hasMessageContaining("key=value");
        assertThat(new DistributionForm("d", "z", "", "secret").withoutToken().token()).isEmpty();
    }

    @Test
    void theChartScalesToANiceMaximumOverTheWindow() {
        Instant now = Instant.parse("2026-11-25T10:15:00Z");
        RateChart chart = RateChart.of(List.of(new Point(now.minus(Duration.ofMinutes(15)), 0, 300),
                new Point(now, 150, 0)), Duration.ofMinutes(15), now);

        assertThat(chart.max()).isEqualTo(500);
        assertThat(chart.in()).isEqualTo("0.0,120.0 600.0,84.0");
        assertThat(chart.out()).isEqualTo("0.0,48.0 600.0,120.0");
        assertThat(RateChart.niceCeiling(1.1e6)).isEqualTo(2 * 1024 * 1024); // 1.05 MiB/s -> 2 MiB/s
        assertThat(RateChart.niceCeiling(300 * 1024 * 1024)).isEqualTo(500 * 1024 * 1024);
    }

    @Test
    void numbersReadWell() {
        Format fmt = new Format();
        assertThat(fmt.bytes(512)).isEqualTo("512 B");
        assertThat(fmt.bytes(3 * 1024 * 1024)).isEqualTo("3.0 MiB");
        assertThat(fmt.rate(1536)).isEqualTo("1.5 KiB/s");
        assertThat(fmt.duration(3725L)).isEqualTo("1h 2m");
        assertThat(fmt.duration(null)).isEqualTo("-");
        assertThat(fmt.width(1.7)).isEqualTo("100.0%");
        assertThat(fmt.shortDigest("sha256:" + "ab".repeat(32))).isEqualTo("abababababab");
    }

    private static List<String> ids(MemberQuery query) {
        return query.apply(MEMBERS).stream().map(MemberRow::id).toList();
    }
}
