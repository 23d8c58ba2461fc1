package io.edgeswarm.dashboard.view;

import io.edgeswarm.dashboard.config.DashboardProperties;
import io.edgeswarm.dashboard.poll.AgentDocuments.ArtifactDoc;
import io.edgeswarm.dashboard.poll.AgentDocuments.CampaignDoc;
import io.edgeswarm.dashboard.poll.AgentDocuments.DownloadDoc;
import io.edgeswarm.dashboard.poll.AgentDocuments.MemberDoc;
import io.edgeswarm.dashboard.poll.AgentDocuments.StatusDoc;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns one poll (the membership and whichever statuses answered) into a {@link SwarmSnapshot}: members, artifacts
 * across members, campaigns with per-target progress, and alerts. It remembers when each transfer last moved, to tell
 * a slow transfer from a stalled one; otherwise it is a pure function of its input.
 */
public class SnapshotAssembler {

    private final Duration stalledAfter;
    private final double diskAlertRatio;
    /** Per member and digest: the last progress seen and when it changed. */
    private final Map<String, Progressed> lastMoved = new HashMap<>();
    private long version;

    private record Progressed(double progress, Instant at) {
    }

    public SnapshotAssembler(DashboardProperties properties) {
        this.stalledAfter = properties.stalledAfter();
        this.diskAlertRatio = properties.diskAlertRatio();
    }

    /**
     * @param members the membership as an agent sees it
     * @param statuses statuses by member id, for those that answered
     * @param errors why a member's status is missing, by member id
     */
    public synchronized SwarmSnapshot assemble(List<MemberDoc> members, Map<String, StatusDoc> statuses,
            Map<String, String> errors, String source, Instant now) {
        List<MemberRow> rows = new ArrayList<>();
        for (MemberDoc m : members) {
            rows.add(new MemberRow(m.id(), m.zone(), m.labels() == null ? Map.of() : m.labels(), m.state(),
                    m.address(), m.load(), statuses.get(m.id()), errors.get(m.id())));
        }
        rows.sort(Comparator.comparing(MemberRow::id));
        Map<String, Map<String, Integer>> byZone = new TreeMap<>();
        for (MemberRow row : rows) {
            byZone.computeIfAbsent(row.zone(), z -> new TreeMap<>()).merge(row.health(), 1, Integer::sum);
        }
        List<ArtifactRow> artifacts = artifacts(rows);
        List<DistributionRow> distributions = distributions(rows, artifacts);
        List<Alert> alerts = alerts(rows, now);
        return new SwarmSnapshot(++version, now, List.copyOf(rows), artifacts, distributions, alerts, byZone,
                source);
    }

    private static List<ArtifactRow> artifacts(List<MemberRow> rows) {
        Map<String, String> names = new HashMap<>();
        Map<String, Long> sizes = new HashMap<>();
        Map<String, List<ArtifactRow.Holding>> holdings = new LinkedHashMap<>();
        for (MemberRow row : rows) {
            if (row.status() == null) {
                continue;
            }
            Map<String, DownloadDoc> downloads = new HashMap<>();
            row.status().downloads().forEach(d -> downloads.putIfAbsent(d.digest(), d));
            for (ArtifactDoc a : row.status().artifacts()) {
                if (a.name() != null) {
                    names.putIfAbsent(a.digest(), a.name());
                }
                sizes.putIfAbsent(a.digest(), a.size());
                DownloadDoc d = downloads.get(a.digest());
                holdings.computeIfAbsent(a.digest(), k -> new ArrayList<>()).add(new ArtifactRow.Holding(row.id(),
                        row.zone(), a.progress(), a.complete(), a.origin(), d == null || d.complete() ? 0
                        : d.bytesPerSecond(), d == null ? null : d.etaSeconds(),
                        d == null ? Map.of() : d.bytesBySource(), d == null ? null : d.error()));
            }
        }
        List<ArtifactRow> list = new ArrayList<>();
        holdings.forEach((digest, held) -> list.add(new ArtifactRow(digest, names.getOrDefault(digest, ""),
                sizes.getOrDefault(digest, 0L), List.copyOf(held))));
        list.sort(Comparator.comparing(ArtifactRow::name).thenComparing(ArtifactRow::digest));
        return List.copyOf(list);
    }

    private static List<DistributionRow> distributions(List<MemberRow> rows, List<ArtifactRow> artifacts) {
        Map<String, MemberRow> byId = new HashMap<>();
        rows.forEach(r -> byId.put(r.id(), r));
        List<DistributionRow> list = new ArrayList<>();
        for (MemberRow owner : rows) {
            if (owner.status() == null) {
                continue;
            }
            for (CampaignDoc c : owner.status().distributions()) {
                List<DistributionRow.Target> targets = new ArrayList<>();
                for (String id : c.targets()) {
                    targets.add(target(byId.get(id), id, c));
                }
                String name = artifacts.stream().filter(a -> a.digest().equals(c.digest())).map(ArtifactRow::name)
                        .findFirst().filter(n -> !n.isEmpty()).orElse(null);
                list.add(new DistributionRow(c.id(), c.digest(), name, selectorText(c), c.createdAt(), owner.id(),
                        List.copyOf(targets)));
            }
        }
        list.sort(Comparator.comparing(DistributionRow::createdAt, Comparator.nullsLast(Comparator.reverseOrder())));
        return List.copyOf(list);
    }

    private static DistributionRow.Target target(MemberRow member, String id, CampaignDoc campaign) {
        String startError = campaign.startErrors().get(id);
        if (member == null || member.status() == null) {
            return new DistributionRow.Target(id, member == null ? "" : member.zone(), 0, false, 0, null,
                    startError != null ? startError : member == null ? "no longer a member" : "status unavailable");
        }
        ArtifactDoc held = member.status().artifacts().stream().filter(a -> a.digest().equals(campaign.digest()))
                .findFirst().orElse(null);
        DownloadDoc download = member.status().downloads().stream()
                .filter(d -> d.digest().equals(campaign.digest())).findFirst().orElse(null);
        double progress = held == null ? 0 : held.progress();
        boolean complete = held != null && held.complete();
        String error = startError != null ? startError : download == null ? null : download.error();
        return new DistributionRow.Target(id, member.zone(), progress, complete,
                download == null || complete ? 0 : download.bytesPerSecond(),
                complete ? Long.valueOf(0) : download == null ? null : download.etaSeconds(), error);
    }

    private static String selectorText(CampaignDoc c) {
        List<String> parts = new ArrayList<>();
        if (c.selector() != null && c.selector().zone() != null) {
            parts.add("zone=" + c.selector().zone());
        }
        if (c.selector() != null && c.selector().labels() != null) {
            new TreeMap<>(c.selector().labels()).forEach((k, v) -> parts.add(k + "=" + v));
        }
        return parts.isEmpty() ? "all members" : String.join(", ", parts);
    }

    private List<Alert> alerts(List<MemberRow> rows, Instant now) {
        List<Alert> alerts = new ArrayList<>();
        Map<String, Progressed> seen = new HashMap<>();
        for (MemberRow row : rows) {
            String link = "/members/" + row.id();
            switch (row.health()) {
                case "dead" -> alerts.add(new Alert("critical", "member " + row.id() + " is dead", link));
                case "suspect" -> alerts.add(new Alert("warning", "member " + row.id() + " is suspect", link));
                case "unreachable" -> alerts.add(new Alert("warning", "member " + row.id()
                        + " is alive in gossip but its status did not answer: " + row.pollError(), link));
                default -> { }
            }
            StatusDoc status = row.status();
            if (status == null) {
                continue;
            }
            if (status.counters().verificationFailures() > 0) {
                alerts.add(new Alert("warning", row.id() + " rejected " + status.counters().verificationFailures()
                        + " chunks that failed verification and banned " + status.counters().peersBanned()
                        + " peers", link));
            }
            if (row.diskShare() >= diskAlertRatio) {
                alerts.add(new Alert("warning", String.format("%s store is %.0f %% full", row.id(),
                        100 * row.diskShare()), link));
            }
            for (DownloadDoc d : status.downloads()) {
                if (d.complete()) {
                    continue;
                }
                if (d.error() != null) {
                    alerts.add(new Alert("critical", row.id() + " failed to fetch " + DigestLabel.of(d.digest()) + ": "
                            + d.error(), "/artifacts/" + d.digest()));
                    continue;
                }
                String key = row.id() + " " + d.digest();
                Progressed before = lastMoved.get(key);
                Progressed now2 = before == null || before.progress() != d.progress()
                        ? new Progressed(d.progress(), now) : before;
                seen.put(key, now2);
                if (Duration.between(now2.at(), now).compareTo(stalledAfter) >= 0) {
                    alerts.add(new Alert("warning", row.id() + " made no progress on " + DigestLabel.of(d.digest())
                            + " for " + Duration.between(now2.at(), now).toSeconds() + " s",
                            "/artifacts/" + d.digest()));
                }
            }
        }
        lastMoved.clear();
        lastMoved.putAll(seen);
        return List.copyOf(alerts);
    }
}
