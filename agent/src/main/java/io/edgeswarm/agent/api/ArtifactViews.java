package io.edgeswarm.agent.api;

import io.edgeswarm.agent.storage.Manifest;
import io.edgeswarm.agent.storage.StoredArtifact;
import java.util.List;

/** JSON shapes of artifacts in the HTTP API. */
final class ArtifactViews {

    private ArtifactViews() {
    }

    /** What a publish returns: the manifest without its chunk list. */
    record PublishResult(String digest, String name, long size, int chunkSize, int chunkCount) {

        static PublishResult of(Manifest manifest, String name) {
            return new PublishResult(manifest.digest().toString(), name, manifest.size(), manifest.chunkSize(),
                    manifest.chunkCount());
        }
    }

    /** One artifact this agent knows, with how much of it is held here. */
    record ArtifactSummary(String digest, String name, List<String> names, long size, int chunkSize, int chunkCount,
            int heldChunks, long heldBytes, double progress, boolean complete) {

        static ArtifactSummary of(StoredArtifact artifact, List<String> names) {
            Manifest m = artifact.manifest();
            return new ArtifactSummary(m.digest().toString(), names.isEmpty() ? m.name() : names.get(0), names,
                    m.size(), m.chunkSize(), m.chunkCount(), artifact.heldChunks(), artifact.heldBytes(),
                    artifact.progress(), artifact.isComplete());
        }
    }

    /** A name and the digest it points to. */
    record NameResolution(String name, String digest) {
    }
}
