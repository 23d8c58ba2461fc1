package io.edgeswarm.dashboard.view;

import io.edgeswarm.dashboard.poll.AgentDocuments.StatusDoc;
import java.util.Map;

/**
 * One member as the dashboard shows it: what gossip says (state, zone, address, load) and, when its status answered,
 * what the member says of itself. {@code status} is null when the member could not be asked or did not answer.
 */
public record MemberRow(String id, String zone, Map<String, String> labels, String state, String address, int load,
        StatusDoc status, String pollError) {

    public boolean reachable() {
        return status != null;
    }

    /** The colour class: the gossip state, or {@code unreachable} for an alive member whose status failed. */
    public String health() {
        if ("alive".equals(state) && !reachable()) {
            return "unreachable";
        }
        return state;
    }

    public double inRate() {
        return status == null ? 0 : status.rates().inBytesPerSecond();
    }

    public double outRate() {
        return status == null ? 0 : status.rates().outBytesPerSecond();
    }

    public long usedBytes() {
        return status == null ? 0 : status.store().usedBytes();
    }

    /** The quota, or used plus free disk when there is none. */
    public long capacityBytes() {
        if (status == null) {
            return 0;
        }
        Long max = status.store().maxBytes();
        return max != null ? max : status.store().usedBytes() + status.store().freeBytes();
    }

    public double diskShare() {
        long capacity = capacityBytes();
        return capacity <= 0 ? 0 : (double) usedBytes() / capacity;
    }

    public String version() {
        return status == null ? "" : status.version();
    }

    public long uptimeSeconds() {
        return status == null ? 0 : status.uptimeSeconds();
    }

    public String labelText() {
        StringBuilder text = new StringBuilder();
        labels.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            if (text.length() > 0) {
                text.append(", ");
            }
            text.append(e.getKey()).append('=').append(e.getValue());
        });
        return text.toString();
    }
}
