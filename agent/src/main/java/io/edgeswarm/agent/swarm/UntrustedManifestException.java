package io.edgeswarm.agent.swarm;

/** A download that cannot start: peers serve the manifest, but none with a signature this agent trusts. */
public class UntrustedManifestException extends NoSourceException {

    public UntrustedManifestException(String message) {
        super(message);
    }
}
