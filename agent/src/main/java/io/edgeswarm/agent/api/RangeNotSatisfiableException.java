package io.edgeswarm.agent.api;

/** A {@code Range} that starts past the end of the content; an HTTP 416 naming the size. */
class RangeNotSatisfiableException extends RuntimeException {

    private final long size;

    RangeNotSatisfiableException(long size) {
        super("requested range lies outside the " + size + " bytes of content");
        this.size = size;
    }

    long size() {
        return size;
    }
}
