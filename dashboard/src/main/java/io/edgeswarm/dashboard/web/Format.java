package io.edgeswarm.dashboard.web;

import io.edgeswarm.dashboard.view.DigestLabel;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;

/** Number formatting for templates ({@code ${@fmt.bytes(x)}}): sizes in binary units, rates, durations. */
@Component("fmt")
public class Format {

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

    public String bytes(double bytes) {
        int unit = 0;
        double value = bytes;
        while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? String.format("%.0f B", value) : String.format("%.1f %s", value, UNITS[unit]);
    }

    public String rate(double bytesPerSecond) {
        return bytes(bytesPerSecond) + "/s";
    }

    public String percent(double share) {
        return String.format("%.0f %%", 100 * share);
    }

    /** A width for a progress bar, e.g. {@code 42.5%}. */
    public String width(double share) {
        return String.format("%.1f%%", 100 * Math.max(0, Math.min(1, share)));
    }

    public String duration(Long seconds) {
        if (seconds == null) {
            return "-";
        }
        Duration d = Duration.ofSeconds(seconds);
        if (d.toDays() > 0) {
            return d.toDays() + "d " + d.toHoursPart() + "h";
        }
        if (d.toHours() > 0) {
            return d.toHours() + "h " + d.toMinutesPart() + "m";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + "m " + d.toSecondsPart() + "s";
        }
        return d.toSeconds() + "s";
    }

    public String ago(Instant then, Instant now) {
        return then == null ? "-" : duration(Math.max(0, Duration.between(then, now).toSeconds())) + " ago";
    }

    public String shortDigest(String digest) {
        return DigestLabel.of(digest);
    }
}
