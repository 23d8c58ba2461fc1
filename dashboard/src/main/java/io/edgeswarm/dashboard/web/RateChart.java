package io.edgeswarm.dashboard.web;

import io.edgeswarm.dashboard.view.RateHistory.Point;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * An inline SVG line chart of rates in and out over the history window, drawn on the server: no chart library, and
 * the same fragment refresh that updates the tables updates the chart.
 *
 * @param in the SVG {@code points} of the rate in
 * @param out the SVG {@code points} of the rate out
 * @param max the rate at the top of the chart, bytes per second
 */
public record RateChart(String in, String out, double max, int width, int height, long windowMinutes) {

    static final int WIDTH = 600;
    static final int HEIGHT = 120;

    static RateChart of(List<Point> points, Duration window, Instant now) {
        double max = 1;
        for (Point p : points) {
            max = Math.max(max, Math.max(p.in(), p.out()));
        }
        max = niceCeiling(max);
        StringBuilder in = new StringBuilder();
        StringBuilder out = new StringBuilder();
        Instant start = now.minus(window);
        for (Point p : points) {
            double x = WIDTH * Math.max(0, Duration.between(start, p.at()).toMillis()) / (double) window.toMillis();
            in.append(String.format("%.1f,%.1f ", x, HEIGHT - HEIGHT * p.in() / max));
            out.append(String.format("%.1f,%.1f ", x, HEIGHT - HEIGHT * p.out() / max));
        }
        return new RateChart(in.toString().trim(), out.toString().trim(), max, WIDTH, HEIGHT, window.toMinutes());
    }

    /** The next 1, 2 or 5 times a power of ten of a binary unit (B/s, KiB/s, MiB/s...), so the label reads well. */
    static double niceCeiling(double value) {
        double unit = 1;
        while (value / unit >= 1024) {
            unit *= 1024;
        }
        return unit * niceDecimal(value / unit);
    }

    private static double niceDecimal(double value) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * magnitude >= value) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }
}
