package io.edgeswarm.agent.api;

import java.util.Locale;

/**
 * Whether a request's {@code Accept-Encoding} allows a gzip body (RFC 9110, section 12.5.3): {@code gzip} (or its
 * alias {@code x-gzip}) with a weight above zero, or else {@code *} with one. No header, an empty one, or an
 * unreadable weight allows none: identity is always acceptable, so saying no is never wrong.
 */
final class AcceptEncoding {

    private static final String WEIGHT = "q=";

    private AcceptEncoding() {
    }

    static boolean allowsGzip(String header) {
        if (header == null) {
            return false;
        }
        double gzip = Double.NaN;
        double any = Double.NaN;
        for (String element : header.split(",")) {
            String[] parts = element.split(";");
            String coding = parts[0].trim().toLowerCase(Locale.ROOT);
            double weight = weight(parts);
            if (coding.equals("gzip") || coding.equals("x-gzip")) {
                gzip = Double.isNaN(gzip) ? weight : Math.max(gzip, weight);
            } else if (coding.equals("*")) {
                any = weight;
            }
        }
        double chosen = Double.isNaN(gzip) ? any : gzip;
        return chosen > 0;
    }

    /** The element's {@code q} weight, 1 when it names none, 0 when it is not a number. */
    private static double weight(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim().toLowerCase(Locale.ROOT);
            if (parameter.startsWith(WEIGHT)) {
                try {
                    return Double.parseDouble(parameter.substring(WEIGHT.length()).trim());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }
}
