package io.edgeswarm.agent.storage;

import java.util.Objects;

/**
 * A publisher's signature over {@link Manifest#signedContent()}.
 *
 * @param keyId which public key verifies it: the first 16 hex digits of the SHA-256 of the key's X.509 encoding
 * @param algorithm always {@code Ed25519} for now
 * @param value the signature, base64
 */
public record ManifestSignature(String keyId, String algorithm, String value) {

    public static final String ED25519 = "Ed25519";

    public ManifestSignature {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(value, "value");
    }
}
