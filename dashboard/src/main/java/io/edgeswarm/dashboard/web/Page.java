package io.edgeswarm.dashboard.web;

import java.util.List;

/** One page of a table: its rows, which page it is, and how many there are. */
public record Page<T>(List<T> rows, int number, int size, int total) {

    static <T> Page<T> of(List<T> all, int requested, int size) {
        int pages = Math.max(1, (all.size() + size - 1) / size);
        int number = Math.max(0, Math.min(requested, pages - 1));
        int from = number * size;
        return new Page<>(all.subList(Math.min(from, all.size()), Math.min(from + size, all.size())), number, size,
                all.size());
    }

    public int pages() {
        return Math.max(1, (total + size - 1) / size);
    }

    public boolean hasPrevious() {
        return number > 0;
    }

    public boolean hasNext() {
        return number + 1 < pages();
    }
}
