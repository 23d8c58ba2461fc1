package io.edgeswarm.agent.storage;

/** The quota or the disk has no room for what was written; nothing partial is kept. An HTTP 507. */
public class StorageFullException extends RuntimeException {

    public StorageFullException(String message) {
        super(message);
    }

    public StorageFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
