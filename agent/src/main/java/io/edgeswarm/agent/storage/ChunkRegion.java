package io.edgeswarm.agent.storage;

import java.nio.file.Path;

/** A byte range of a file on disk, for zero-copy serving. */
public record ChunkRegion(Path file, long offset, long length) {
}
