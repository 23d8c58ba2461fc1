package io.edgeswarm.agent.membership;

import java.util.Objects;

/** Where a member's gossip socket listens: host (name or literal IP) and port. */
public record NodeAddress(String host, int port) {

    public NodeAddress {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty() || host.length() > 253) {
            throw new IllegalArgumentException("host must be 1 to 253 characters");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1 to 65535, got " + port);
        }
    }

    /** Parses {@code host:port}; IPv6 literals go in brackets, {@code [::1]:7946}. */
    public static NodeAddress parse(String text, int defaultPort) {
        String value = text.trim();
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("unclosed '[' in address '" + text + "'");
            }
            String host = value.substring(1, close);
            String rest = value.substring(close + 1);
            return new NodeAddress(host, rest.startsWith(":") ? Integer.parseInt(rest.substring(1)) : defaultPort);
        }
        int colon = value.lastIndexOf(':');
        if (colon < 0 || value.indexOf(':') != colon) {
            return new NodeAddress(value, defaultPort);
        }
        return new NodeAddress(value.substring(0, colon), Integer.parseInt(value.substring(colon + 1)));
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
