package io.edgeswarm.agent.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;

/** Turns I/O failures into the store's own exceptions, so a full disk is told apart from a broken one. */
final class StorageErrors {

    private StorageErrors() {
    }

    static RuntimeException translate(String doing, IOException e) {
        if (isDiskFull(e)) {
            return new StorageFullException("disk full while " + doing, e);
        }
        return new UncheckedIOException("I/O error while " + doing + ": " + e.getMessage(), e);
    }

    static boolean isDiskFull(IOException e) {
        String reason = e instanceof FileSystemException fse ? fse.getReason() : e.getMessage();
        return reason != null && (reason.contains("No space left") || reason.contains("Disk quota exceeded"));
    }
}
