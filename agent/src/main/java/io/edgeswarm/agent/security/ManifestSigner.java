package io.edgeswarm.agent.security;

import io.edgeswarm.agent.storage.Manifest;
import io.edgeswarm.agent.storage.ManifestSignature;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.function.UnaryOperator;

/** Signs the manifest of every artifact published to this agent with the publisher's Ed25519 key. */
public final class ManifestSigner implements UnaryOperator<Manifest> {

    static final String ALGORITHM = ManifestSignature.ED25519;

    private final PrivateKey key;
    private final PublicKey publicKey;
    private final String keyId;

    public ManifestSigner(PrivateKey key) {
        this.key = key;
        this.publicKey = Ed25519Keys.publicOf(key);
        this.keyId = Ed25519Keys.keyId(publicKey);
    }

    public String keyId() {
        return keyId;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    @Override
    public Manifest apply(Manifest manifest) {
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(key);
            signer.update(manifest.signedContent());
            String value = Base64.getEncoder().encodeToString(signer.sign());
            return manifest.withSignature(new ManifestSignature(keyId, ALGORITHM, value));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing " + manifest.digest() + " failed", e);
        }
    }

    @Override
    public String toString() {
        return "ManifestSigner[keyId=" + keyId + "]"; // never the key itself
    }
}
