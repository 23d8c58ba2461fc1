package io.edgeswarm.dashboard.poll;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expands the configured agent URLs: a host name stands for every address it resolves to (a Kubernetes headless
 * Service lists each pod), so the dashboard can fall back to another agent when one is down.
 */
final class SeedResolver {

    private static final Logger log = LoggerFactory.getLogger(SeedResolver.class);

    private SeedResolver() {
    }

    static List<String> expand(List<String> urls) {
        Set<String> expanded = new LinkedHashSet<>();
        for (String url : urls) {
            URI uri = URI.create(url.trim());
            String host = uri.getHost();
            if (host == null) {
                log.warn("Ignoring agent URL without a host: {}", url);
                continue;
            }
            expanded.add(stripSlash(uri.toString()));
            try {
                for (InetAddress address : InetAddress.getAllByName(host)) {
                    String literal = address.getHostAddress();
                    if (literal.contains(":")) {
                        literal = "[" + literal + "]";
                    }
                    expanded.add(stripSlash(uri.getScheme() + "://" + literal + (uri.getPort() < 0 ? ""
                            : ":" + uri.getPort()) + (uri.getRawPath() == null ? "" : uri.getRawPath())));
                }
            } catch (UnknownHostException e) {
                log.debug("Agent host {} does not resolve now: {}", host, e.getMessage());
            }
        }
        return new ArrayList<>(expanded);
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
