package io.edgeswarm.agent.api;

import io.edgeswarm.agent.storage.Manifest;
import io.edgeswarm.agent.storage.StoredArtifact;
import io.edgeswarm.agent.storage.ArtifactStore;
import io.edgeswarm.agent.storage.Digest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import io.edgeswarm.agent.swarm.SwarmCatalog;

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

    /**
     * One artifact this agent knows, with how much of it is held here; {@code origin} when it was published here,
     * and {@code holders} counts the other live members advertising it (-1 where not computed).
     */
    record ArtifactSummary(String digest, String name, List<String> names, long size, int chunkSize, int chunkCount,
            int heldChunks, long heldBytes, double progress, boolean complete, boolean origin, int holders) {

        static ArtifactSummary of(StoredArtifact artifact, List<String> names, int holders) {
            Manifest m = artifact.manifest();
            return new ArtifactSummary(m.digest().toString(), names.isEmpty() ? m.name() : names.get(0), names,
                    m.size(), m.chunkSize(), m.chunkCount(), artifact.heldChunks(), artifact.heldBytes(),
                    artifact.progress(), artifact.isComplete(), artifact.isOrigin(), holders);
        }

        /** An artifact only other members hold. */
        static ArtifactSummary remote(SwarmCatalog.Entry entry, int holders) {
            List<String> names = entry.names();
            return new ArtifactSummary(entry.digest().toString(), names.isEmpty() ? null : names.get(0), names,
                    entry.size(), entry.chunkSize(), entry.chunkCount(), 0, 0, 0, false, false, holders);
        }
    }

    /** Every artifact the store holds, each with the names pointing at it; the name index is read once. */
    static List<ArtifactSummary> summaries(ArtifactStore store, ToIntFunction<Digest> holders) {
        Map<Digest, List<String>> names = new HashMap<>();
        store.names().forEach((name, digest) -> names.computeIfAbsent(digest, d -> new ArrayList<>()).add(name));
        return store.list().stream()
                .map(a -> ArtifactSummary.of(a, names.getOrDefault(a.digest(), List.of()),
                        holders.applyAsInt(a.digest())))
                .toList();
    }

    /** The store's artifacts followed by those only the swarm catalog knows. */
    static List<ArtifactSummary> swarmSummaries(ArtifactStore store, SwarmCatalog catalog) {
        ToIntFunction<Digest> holders = catalog.holderCounts();
        List<ArtifactSummary> all = new ArrayList<>(summaries(store, holders));
        for (SwarmCatalog.Entry entry : catalog.entries()) {
            if (store.find(entry.digest()).isEmpty()) {
                all.add(ArtifactSummary.remote(entry, holders.applyAsInt(entry.digest())));
            }
        }
        return all;
    }

    /** A name and the digest it points to. */
    record NameResolution(String name, String digest) {
    }
}
