package io.edgeswarm.agent.swarm;

import io.edgeswarm.agent.config.EdgeswarmProperties;
import io.edgeswarm.agent.membership.GossipService;
import io.edgeswarm.agent.membership.Member;
import io.edgeswarm.agent.membership.MemberState;
import io.edgeswarm.agent.storage.Digest;
import io.edgeswarm.agent.storage.InvalidInputException;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Distribution campaigns: every member matching a selector replicates an artifact. The agent that takes the request
 * picks the targets from its membership view, asks each to replicate, and keeps the campaign; any agent can report
 * its progress, asking its peers when the campaign is not its own. Campaigns live in memory, the most recent
 * {@link #KEPT} of them.
 */
@Service
public class DistributionService {

    private static final Logger log = LoggerFactory.getLogger(DistributionService.class);
    /** Campaigns remembered per agent; the oldest are forgotten first. */
    static final int KEPT = 256;
    private static final int FANOUT = 16;

    /** Which members take part: all listed labels must match, and the zone if given. */
    public record Selector(Map<String, String> labels, String zone) {

        public Selector {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }

        boolean matches(Member member) {
            if (zone != null && !zone.isBlank() && !zone.equals(member.meta().zone())) {
                return false;
            }
            return labels.entrySet().stream()
                    .allMatch(e -> e.getValue().equals(member.meta().labels().get(e.getKey())));
        }
    }

    /** A campaign as created. */
    record Campaign(String id, Digest digest, Selector selector, Instant createdAt, List<Peer> targets,
            Map<String, String> startErrors) {
    }

    /** A campaign this agent started, without progress: what a status document lists. */
    public record CampaignSummary(String id, String digest, Selector selector, Instant createdAt,
            List<String> targets, Map<String, String> startErrors) {
    }

    /** Campaigns started on this agent, newest first. */
    public List<CampaignSummary> campaigns() {
        List<CampaignSummary> list = new java.util.ArrayList<>();
        synchronized (campaigns) {
            for (Campaign c : campaigns.values()) {
                list.add(new CampaignSummary(c.id(), c.digest().toString(), c.selector(), c.createdAt(),
                        c.targets().stream().map(Peer::id).toList(), Map.copyOf(c.startErrors())));
            }
        }
        Collections.reverse(list);
        return list;
    }

    /** Progress of a campaign, per agent. */
    public record Progress(String id, String digest, Selector selector, Instant createdAt, int targets, int complete,
            boolean done, List<AgentProgress> agents) {
    }

    /** One agent of a campaign: progress 0 to 1, rate in bytes/s, ETA in seconds (null when unknown). */
    public record AgentProgress(String id, String zone, double progress, boolean complete, double bytesPerSecond,
            Long etaSeconds, String error) {
    }

    private final GossipService gossip;
    private final SwarmService swarm;
    private final PeerClient client;
    private final String writeToken;
    private final Clock clock;
    private final Map<String, Campaign> campaigns = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Campaign> eldest) {
                    return size() > KEPT;
                }
            });

    public DistributionService(GossipService gossip, SwarmService swarm, PeerClient client,
            EdgeswarmProperties properties, Clock clock) {
        this.gossip = gossip;
        this.swarm = swarm;
        this.client = client;
        this.writeToken = properties.security().writeToken();
        this.clock = clock;
    }

    public Mono<Progress> start(Digest digest, Selector selector) {
        return gossip.members().flatMap(members -> {
            List<Peer> targets = members.stream()
                    .filter(m -> m.state() == MemberState.ALIVE && selector.matches(m))
                    .map(Peer::of)
                    .toList();
            if (targets.isEmpty()) {
                return Mono.error(new InvalidInputException("no alive member matches the selector " + selector));
            }
            Campaign campaign = new Campaign(UUID.randomUUID().toString(), digest, selector, clock.instant(),
                    targets, new java.util.concurrent.ConcurrentHashMap<>());
            campaigns.put(campaign.id(), campaign);
            log.info("Distribution {} of {} to {} members", campaign.id(), digest, targets.size());
            return Flux.fromIterable(targets)
                    .flatMap(target -> client.replicate(target, digest, writeToken)
                            .onErrorResume(e -> Mono.just(-1))
                            .doOnNext(status -> {
                                if (status != 202) {
                                    campaign.startErrors().put(target.id(), status < 0 ? "unreachable"
                                            : "replicate answered " + status);
                                }
                            }), FANOUT)
                    .then(progress(campaign));
        });
    }

    /** Progress of a campaign this agent holds, or, unless {@code localOnly}, one a peer holds. */
    public Mono<Optional<Progress>> progress(String id, boolean localOnly) {
        Campaign campaign = campaigns.get(id);
        if (campaign != null) {
            return progress(campaign).map(Optional::of);
        }
        if (localOnly) {
            return Mono.just(Optional.empty());
        }
        return Flux.fromIterable(swarm.alivePeers())
                .flatMap(peer -> client.distribution(peer, id).onErrorResume(e -> Mono.empty()), FANOUT)
                .next().map(Optional::of).defaultIfEmpty(Optional.empty());
    }

    private Mono<Progress> progress(Campaign campaign) {
        retryFailedStarts(campaign);
        return Flux.fromIterable(campaign.targets())
                .flatMapSequential(target -> client.status(target)
                        .map(status -> agentProgress(campaign, target, status))
                        .onErrorResume(e -> Mono.just(new AgentProgress(target.id(), target.zone(), 0, false, 0, null,
                                "status unavailable: " + e.getClass().getSimpleName()))), FANOUT)
                .collectList()
                .map(agents -> {
                    int complete = (int) agents.stream().filter(AgentProgress::complete).count();
                    return new Progress(campaign.id(), campaign.digest().toString(), campaign.selector(),
                            campaign.createdAt(), agents.size(), complete, complete == agents.size(), agents);
                });
    }

    /**
     * A target may refuse at first, e.g. when news of the holder's copy had not reached it yet; each look at the
     * campaign asks such targets again, so a campaign does not stall on one early refusal.
     */
    private void retryFailedStarts(Campaign campaign) {
        for (Peer target : campaign.targets()) {
            if (campaign.startErrors().containsKey(target.id())) {
                client.replicate(target, campaign.digest(), writeToken).onErrorResume(e -> Mono.just(-1))
                        .subscribe(status -> {
                            if (status == 202) {
                                campaign.startErrors().remove(target.id());
                            }
                        });
            }
        }
    }

    private static AgentProgress agentProgress(Campaign campaign, Peer target, PeerClient.MemberStatus status) {
        String digest = campaign.digest().toString();
        var held = status.artifacts() == null ? Optional.<PeerClient.MemberStatus.Held>empty()
                : status.artifacts().stream().filter(a -> a.digest().equals(digest)).findFirst();
        var active = status.downloads() == null ? Optional.<PeerClient.MemberStatus.Active>empty()
                : status.downloads().stream().filter(d -> d.digest().equals(digest)).findFirst();
        double progress = held.map(PeerClient.MemberStatus.Held::progress).orElse(0.0);
        boolean complete = held.map(PeerClient.MemberStatus.Held::complete).orElse(false);
        double rate = active.map(PeerClient.MemberStatus.Active::bytesPerSecond).orElse(0.0);
        Long eta = complete ? Long.valueOf(0) : rate > 0 && held.isPresent()
                ? Long.valueOf((long) Math.ceil((1 - progress) * held.get().size() / rate)) : null;
        String error = campaign.startErrors().get(target.id());
        if (error == null) {
            error = active.map(PeerClient.MemberStatus.Active::error).orElse(null);
        }
        return new AgentProgress(target.id(), target.zone(), progress, complete, rate, eta, error);
    }
}
