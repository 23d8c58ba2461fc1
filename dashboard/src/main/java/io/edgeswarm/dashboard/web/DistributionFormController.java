package io.edgeswarm.dashboard.web;

import io.edgeswarm.dashboard.poll.AgentClient;
import io.edgeswarm.dashboard.poll.AgentDocuments.Selector;
import io.edgeswarm.dashboard.poll.SwarmPoller;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Starts a campaign from the form: the request goes to a reachable agent with the operator's write token. The agent
 * decides; the dashboard only relays its answer (401 and 403 say the token was missing or wrong).
 */
@Controller
class DistributionFormController {

    private static final Logger log = LoggerFactory.getLogger(DistributionFormController.class);
    /** Agents tried before giving up when they are unreachable. */
    private static final int ATTEMPTS = 3;

    private final AgentClient client;
    private final SwarmPoller poller;

    DistributionFormController(AgentClient client, SwarmPoller poller) {
        this.client = client;
        this.poller = poller;
    }

    @PostMapping("/distributions")
    Mono<String> start(@ModelAttribute DistributionForm form, Model model) {
        Selector selector;
        try {
            selector = form.selector();
        } catch (IllegalArgumentException e) {
            return Mono.just(error(model, form, e.getMessage()));
        }
        if (!form.digest().matches("sha256:[0-9a-f]{64}")) {
            return Mono.just(error(model, form, "the digest must be 'sha256:' and 64 lower-case hex digits"));
        }
        List<String> agents = poller.writableAgents();
        return Flux.fromIterable(agents.subList(0, Math.min(ATTEMPTS, agents.size())))
                .concatMap(url -> client.startDistribution(url, form.digest(), selector, form.token())
                        .onErrorResume(e -> {
                            log.debug("Agent {} did not take the campaign: {}", url, e.toString());
                            return Mono.empty();
                        }), 1)
                .next()
                .map(answer -> {
                    if (answer.status() == 202) {
                        return "redirect:/distributions/" + answer.body().get("id");
                    }
                    Object detail = answer.body().getOrDefault("detail", "");
                    String message = switch (answer.status()) {
                        case 401 -> "the agents need a write token: enter it in the form";
                        case 403 -> "the write token was rejected";
                        default -> "the agent refused (" + answer.status() + "): " + detail;
                    };
                    return error(model, form, message);
                })
                .defaultIfEmpty(error(model, form, "no agent could be reached"));
    }

    private String error(Model model, DistributionForm form, String message) {
        model.addAttribute("snapshot", poller.current());
        model.addAttribute("now", poller.current().takenAt());
        model.addAttribute("form", form.withoutToken());
        model.addAttribute("formError", message);
        return "distributions";
    }
}
