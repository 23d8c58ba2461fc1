package io.edgeswarm.agent.membership;

/** Bytes that are not a valid message; the packet is dropped and counted, never acted on. */
public class MalformedMessageException extends Exception {

    public MalformedMessageException(String message) {
        super(message);
    }
}
