package io.edgeswarm.agent.security;

import io.edgeswarm.agent.storage.Manifest;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * This agent's signing set-up: the key it signs its publishes with, if any, and the publishers it trusts.
 *
 * @param signer signs manifests of artifacts published here
 * @param trusted whose signatures manifests fetched from peers must carry
 */
public record Signing(Optional<ManifestSigner> signer, TrustedKeys trusted) {

    public UnaryOperator<Manifest> publishSigner() {
        return signer.<UnaryOperator<Manifest>>map(s -> s).orElse(UnaryOperator.identity());
    }

    /**
     * Why a publish must be refused before its body is read: an agent that only accepts signed artifacts would
     * otherwise hold an unsigned one that no peer of the same trust would take.
     */
    public Optional<String> publishRefusal() {
        if (trusted.enforcing() && signer.isEmpty()) {
            return Optional.of("this agent accepts only signed artifacts (edgeswarm.security.trusted-keys is set) "
                    + "and has no edgeswarm.security.signing-key to sign a publish with");
        }
        return Optional.empty();
    }
}
