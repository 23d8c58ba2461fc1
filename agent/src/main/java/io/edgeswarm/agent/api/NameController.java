package io.edgeswarm.agent.api;

import io.edgeswarm.agent.api.ArtifactViews.NameResolution;
import io.edgeswarm.agent.storage.ArtifactName;
import io.edgeswarm.agent.storage.ArtifactNotFoundException;
import io.edgeswarm.agent.storage.ArtifactStore;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Resolves human names to digests. Names may contain slashes, so the whole rest of the path is the name. */
@RestController
class NameController {

    private final ArtifactStore store;

    NameController(ArtifactStore store) {
        this.store = store;
    }

    @GetMapping("/api/v1/names/{*name}")
    NameResolution resolve(@PathVariable String name) {
        ArtifactName artifactName = new ArtifactName(name.startsWith("/") ? name.substring(1) : name);
        return store.resolve(artifactName)
                .map(digest -> new NameResolution(artifactName.value(), digest.toString()))
                .orElseThrow(() -> new ArtifactNotFoundException("no artifact is named '" + artifactName + "'"));
    }
}
