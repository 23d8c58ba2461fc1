package io.edgeswarm.dashboard.web;

import io.edgeswarm.dashboard.config.DashboardProperties;
import io.edgeswarm.dashboard.poll.SwarmPoller;
import io.edgeswarm.dashboard.view.ArtifactRow;
import io.edgeswarm.dashboard.view.SwarmSnapshot;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * The dashboard's pages, rendered from the latest snapshot. With {@code fragment=live} a page renders only its live
 * part, which the page's script swaps in whenever the server pushes a new snapshot.
 */
@Controller
class PageController {

    private final SwarmPoller poller;
    private final DashboardProperties properties;

    PageController(SwarmPoller poller, DashboardProperties properties) {
        this.poller = poller;
        this.properties = properties;
    }

    @GetMapping("/")
    String overview(@RequestParam(required = false) String fragment, Model model) {
        SwarmSnapshot snapshot = common(model);
        model.addAttribute("chart", RateChart.of(poller.history().swarm(), poller.history().window(),
                snapshot.takenAt()));
        return view("overview", fragment);
    }

    @GetMapping("/members")
    String members(@RequestParam(required = false) String q, @RequestParam(required = false) String state,
            @RequestParam(required = false) String zone, @RequestParam(required = false) String sort,
            @RequestParam(required = false) String dir, @RequestParam(defaultValue = "0") int page,
            @RequestParam(required = false) String fragment, Model model) {
        SwarmSnapshot snapshot = common(model);
        MemberQuery query = new MemberQuery(q, state, zone, sort, dir);
        model.addAttribute("query", query);
        model.addAttribute("zones", snapshot.statesByZone().keySet());
        model.addAttribute("page", Page.of(query.apply(snapshot.members()), page, properties.pageSize()));
        return view("members", fragment);
    }

    @GetMapping("/members/{id}")
    String member(@PathVariable String id, @RequestParam(required = false) String fragment, Model model) {
        SwarmSnapshot snapshot = common(model);
        model.addAttribute("member", snapshot.member(id).orElseThrow(() -> notFound("member", id)));
        model.addAttribute("chart", RateChart.of(poller.history().member(id), poller.history().window(),
                snapshot.takenAt()));
        return view("member", fragment);
    }

    @GetMapping("/artifacts")
    String artifacts(@RequestParam(required = false) String q, @RequestParam(defaultValue = "0") int page,
            @RequestParam(required = false) String fragment, Model model) {
        SwarmSnapshot snapshot = common(model);
        String needle = q == null ? "" : q.trim().toLowerCase(Locale.ROOT);
        List<ArtifactRow> matching = snapshot.artifacts().stream()
                .filter(a -> needle.isEmpty() || a.name().toLowerCase(Locale.ROOT).contains(needle)
                        || a.digest().contains(needle))
                .toList();
        model.addAttribute("q", q == null ? "" : q);
        model.addAttribute("page", Page.of(matching, page, properties.pageSize()));
        return view("artifacts", fragment);
    }

    @GetMapping("/artifacts/{digest}")
    String artifact(@PathVariable String digest, @RequestParam(required = false) String fragment, Model model) {
        SwarmSnapshot snapshot = common(model);
        model.addAttribute("artifact", snapshot.artifact(digest).orElseThrow(() -> notFound("artifact", digest)));
        return view("artifact", fragment);
    }

    @GetMapping("/distributions")
    String distributions(@RequestParam(required = false) String fragment, Model model) {
        common(model);
        if (!model.containsAttribute("form")) {
            model.addAttribute("form", new DistributionForm("", "", "", ""));
        }
        return view("distributions", fragment);
    }

    @GetMapping("/distributions/{id}")
    String distribution(@PathVariable String id, @RequestParam(required = false) String fragment, Model model) {
        SwarmSnapshot snapshot = common(model);
        // A campaign just started shows up with the next poll; until then the page says so and refreshes live.
        model.addAttribute("distributionId", id);
        model.addAttribute("distribution", snapshot.distribution(id).orElse(null));
        return view("distribution", fragment);
    }

    private SwarmSnapshot common(Model model) {
        SwarmSnapshot snapshot = poller.current();
        model.addAttribute("snapshot", snapshot);
        model.addAttribute("now", snapshot.takenAt());
        return snapshot;
    }

    private static String view(String page, String fragment) {
        return "live".equals(fragment) ? page + " :: live" : page;
    }

    private static ResponseStatusException notFound(String what, String id) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "no " + what + " '" + id + "' in the swarm now");
    }
}
