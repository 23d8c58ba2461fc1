package io.edgeswarm.agent.api;

import io.edgeswarm.agent.storage.ArtifactNotFoundException;
import io.edgeswarm.agent.storage.Digest;
import io.edgeswarm.agent.storage.InvalidInputException;
import io.edgeswarm.agent.swarm.DistributionService;
import io.edgeswarm.agent.swarm.DistributionService.Progress;
import io.edgeswarm.agent.swarm.DistributionService.Selector;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Distribution campaigns: start one on any agent, follow it from any agent. */
@RestController
class DistributionController {

    /** The body of a campaign request. */
    record DistributionRequest(String digest, Selector selector) {
    }

    private final DistributionService distributions;

    DistributionController(DistributionService distributions) {
        this.distributions = distributions;
    }

    @PostMapping("/api/v1/distributions")
    Mono<ResponseEntity<Progress>> start(@RequestBody DistributionRequest request) {
        if (request == null || request.digest() == null) {
            throw new InvalidInputException("a distribution needs a 'digest'");
        }
        Digest digest = Digest.parse(request.digest());
        Selector selector = request.selector() == null ? new Selector(null, null) : request.selector();
        return distributions.start(digest, selector).map(progress -> ResponseEntity
                .accepted().location(URI.create("/api/v1/distributions/" + progress.id())).body(progress));
    }

    @GetMapping("/api/v1/distributions/{id}")
    Mono<Progress> progress(@PathVariable String id, @RequestParam(name = "scope", defaultValue = "swarm") String scope) {
        return distributions.progress(id, "local".equals(scope)).map(found -> found.orElseThrow(
                () -> new ArtifactNotFoundException("no distribution has the id '" + id + "'")));
    }
}
