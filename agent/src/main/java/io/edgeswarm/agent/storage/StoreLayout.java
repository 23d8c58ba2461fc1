package io.edgeswarm.agent.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where things live under the store directory. An artifact is one directory, created complete by an atomic rename,
 * holding its manifest, one data file (chunk i at offset i x chunk size, sparse while partial) and, only while
 * partial, the bitfield of verified chunks and a journal of the chunks stored since it was written
 * ({@link PartialFiles}).
 */
final class StoreLayout {

    static final String MANIFEST = "manifest.json";
    static final String DATA = "data";
    static final String BITFIELD = "chunks.bits";
    static final String JOURNAL = "chunks.journal";
    /** Present when the artifact was published to this agent, which makes it an origin of that artifact. */
    static final String ORIGIN = "origin";

    private final Path root;

    StoreLayout(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    void create() throws IOException {
        Files.createDirectories(artifacts());
        Files.createDirectories(tmp());
    }

    Path root() {
        return root;
    }

    Path artifacts() {
        return root.resolve("artifacts");
    }

    /** Scratch space: publishes in flight, staging directories and deletions; emptied at every start. */
    Path tmp() {
        return root.resolve("tmp");
    }

    Path names() {
        return root.resolve("names.json");
    }

    Path artifactDir(Digest digest) {
        return artifacts().resolve(digest.hex());
    }

    static Path manifest(Path artifactDir) {
        return artifactDir.resolve(MANIFEST);
    }

    static Path data(Path artifactDir) {
        return artifactDir.resolve(DATA);
    }

    static Path bitfield(Path artifactDir) {
        return artifactDir.resolve(BITFIELD);
    }

    static Path journal(Path artifactDir) {
        return artifactDir.resolve(JOURNAL);
    }

    static Path originMarker(Path artifactDir) {
        return artifactDir.resolve(ORIGIN);
    }
}
