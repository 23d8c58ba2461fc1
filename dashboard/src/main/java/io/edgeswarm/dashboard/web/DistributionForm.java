package io.edgeswarm.dashboard.web;

import io.edgeswarm.dashboard.poll.AgentDocuments.Selector;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The "start a distribution" form: a digest, an optional zone, optional labels as {@code k=v, k=v}, and the write
 * token, which is passed to the agent for this one request and never stored.
 */
public record DistributionForm(String digest, String zone, String labels, String token) {

    public DistributionForm {
        digest = digest == null ? "" : digest.trim();
        zone = zone == null ? "" : zone.trim();
        labels = labels == null ? "" : labels.trim();
        token = token == null ? "" : token;
    }

    /** The selector, or an explanation of what is wrong with the labels. */
    Selector selector() {
        Map<String, String> parsed = new LinkedHashMap<>();
        if (!labels.isEmpty()) {
            for (String pair : labels.split(",")) {
                String[] kv = pair.split("=", 2);
                if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                    throw new IllegalArgumentException("labels must look like 'key=value, key=value', got '"
                            + pair.trim() + "'");
                }
                parsed.put(kv[0].trim(), kv[1].trim());
            }
        }
        return new Selector(parsed.isEmpty() ? null : parsed, zone.isEmpty() ? null : zone);
    }

    /** The same form without the token, to re-render after an error without echoing the secret. */
    DistributionForm withoutToken() {
        return new DistributionForm(digest, zone, labels, "");
    }
}
