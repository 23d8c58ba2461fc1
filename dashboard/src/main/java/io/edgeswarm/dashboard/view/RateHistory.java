package io.edgeswarm.dashboard.view;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Rates in and out over the configured window, for the swarm as a whole and per member, kept in memory. */
public class RateHistory {

    /** One sample: bytes per second in and out at a moment. */
    public record Point(Instant at, double in, double out) {
    }

    private final Duration window;
    private final Deque<Point> swarm = new ArrayDeque<>();
    private final Map<String, Deque<Point>> members = new HashMap<>();

    public RateHistory(Duration window) {
        this.window = window;
    }

    public synchronized void record(SwarmSnapshot snapshot) {
        Instant now = snapshot.takenAt();
        add(swarm, new Point(now, snapshot.inRate(), snapshot.outRate()), now);
        for (MemberRow m : snapshot.members()) {
            add(members.computeIfAbsent(m.id(), id -> new ArrayDeque<>()), new Point(now, m.inRate(), m.outRate()),
                    now);
        }
        // Members gone from the membership take their history with them.
        members.keySet().removeIf(id -> snapshot.member(id).isEmpty());
    }

    private void add(Deque<Point> points, Point point, Instant now) {
        points.addLast(point);
        Instant oldest = now.minus(window);
        while (!points.isEmpty() && points.peekFirst().at().isBefore(oldest)) {
            points.removeFirst();
        }
    }

    public synchronized List<Point> swarm() {
        return new ArrayList<>(swarm);
    }

    public synchronized List<Point> member(String id) {
        Deque<Point> points = members.get(id);
        return points == null ? List.of() : new ArrayList<>(points);
    }

    public Duration window() {
        return window;
    }
}
