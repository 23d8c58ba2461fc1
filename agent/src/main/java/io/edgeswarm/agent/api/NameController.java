package io.edgeswarm.agent.api;

import io.edgeswarm.agent.api.ArtifactViews.NameResolution;
import io.edgeswarm.agent.storage.ArtifactName;
import io.edgeswarm.agent.storage.ArtifactNotFoundException;
import io.edgeswarm.agent.storage.ArtifactStore;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import io.edgeswarm.agent.swarm.SwarmService;
import reactor.core.publisher.Mono;
import org.springframework.web.bind.annotation.RestController;

/**
 * Resolves human names to digests across the swarm: this agent's index first, then its peers (which answer from
 * their own index only, {@code scope=local}, so a query never cascades). Names may contain slashes, so the whole rest
 * of the path is the name.
 */
@RestController
class NameController {

    private final ArtifactStore store;
    private final SwarmService swarm;

    NameController(ArtifactStore store, SwarmService swarm) {
        this.store = store;
        this.swarm = swarm;
    }

    @GetMapping("/api/v1/names/{*name}")
    Mono<NameResolution> resolve(@PathVariable String name,
            @RequestParam(name = "scope", defaultValue = "swarm") String scope) {
        ArtifactName artifactName = new ArtifactName(name.startsWith("/") ? name.substring(1) : name);
        var local = store.resolve(artifactName);
        if (local.isPresent() || "local".equals(scope)) {
            return Mono.justOrEmpty(local).map(digest -> new NameResolution(artifactName.value(), digest.toString()))
                    .switchIfEmpty(Mono.error(() -> notFound(artifactName)));
        }
        return swarm.resolveName(artifactName).flatMap(found -> Mono.justOrEmpty(found))
                .map(digest -> new NameResolution(artifactName.value(), digest.toString()))
                .switchIfEmpty(Mono.error(() -> notFound(artifactName)));
    }

    private static ArtifactNotFoundException notFound(ArtifactName name) {
        return new ArtifactNotFoundException("no artifact is named '" + name + "'");
    }
}
