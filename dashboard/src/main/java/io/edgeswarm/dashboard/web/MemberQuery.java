package io.edgeswarm.dashboard.web;

import io.edgeswarm.dashboard.view.MemberRow;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Filtering and sorting of the member table, from query parameters: {@code q} matches id, address and labels,
 * {@code state} and {@code zone} match exactly, {@code sort} names a column and {@code dir} is {@code asc} or
 * {@code desc}. Unknown columns sort by id.
 */
public record MemberQuery(String q, String state, String zone, String sort, String dir) {

    private static final Map<String, Comparator<MemberRow>> COLUMNS = Map.of(
            "id", by(MemberRow::id),
            "zone", by(MemberRow::zone),
            "state", by(MemberRow::health),
            "in", Comparator.comparingDouble(MemberRow::inRate),
            "out", Comparator.comparingDouble(MemberRow::outRate),
            "disk", Comparator.comparingDouble(MemberRow::diskShare),
            "uptime", Comparator.comparingLong(MemberRow::uptimeSeconds),
            "load", Comparator.comparingInt(MemberRow::load),
            "version", by(MemberRow::version));

    public MemberQuery {
        q = q == null ? "" : q.trim();
        state = state == null ? "" : state.trim();
        zone = zone == null ? "" : zone.trim();
        sort = sort == null || !COLUMNS.containsKey(sort) ? "id" : sort;
        dir = "desc".equals(dir) ? "desc" : "asc";
    }

    private static Comparator<MemberRow> by(Function<MemberRow, String> key) {
        return Comparator.comparing(key, Comparator.nullsFirst(Comparator.naturalOrder()));
    }

    List<MemberRow> apply(List<MemberRow> members) {
        String needle = q.toLowerCase(Locale.ROOT);
        Comparator<MemberRow> order = COLUMNS.get(sort).thenComparing(MemberRow::id);
        return members.stream()
                .filter(m -> state.isEmpty() || m.health().equals(state))
                .filter(m -> zone.isEmpty() || m.zone().equals(zone))
                .filter(m -> needle.isEmpty() || m.id().toLowerCase(Locale.ROOT).contains(needle)
                        || (m.address() != null && m.address().toLowerCase(Locale.ROOT).contains(needle))
                        || m.labelText().toLowerCase(Locale.ROOT).contains(needle))
                .sorted("desc".equals(dir) ? order.reversed() : order)
                .toList();
    }

    /** The direction a click on {@code column}'s header should sort in. */
    public String nextDir(String column) {
        return column.equals(sort) && "asc".equals(dir) ? "desc" : "asc";
    }
}
