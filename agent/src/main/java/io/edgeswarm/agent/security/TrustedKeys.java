package io.edgeswarm.agent.security;

import io.edgeswarm.agent.storage.Manifest;
import io.edgeswarm.agent.storage.ManifestSignature;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The publishers whose manifests this agent accepts from peers. With no keys every manifest whose digest matches is
 * accepted (the content is still verified chunk by chunk and as a whole); with keys, only manifests that carry a valid
 * signature by one of them.
 */
public final class TrustedKeys {

    private final Map<String, PublicKey> byId;

    public TrustedKeys(Collection<PublicKey> keys) {
        Map<String, PublicKey> ids = new LinkedHashMap<>();
        keys.forEach(key -> ids.put(Ed25519Keys.keyId(key), key));
        this.byId = Map.copyOf(ids);
    }

    public static TrustedKeys none() {
        return new TrustedKeys(Set.of());
    }

    /** Whether signatures are required at all. */
    public boolean enforcing() {
        return !byId.isEmpty();
    }

    public Set<String> keyIds() {
        return byId.keySet();
    }

    /** Why {@code manifest} must be refused, or empty if it is acceptable. */
    public Optional<String> refusal(Manifest manifest) {
        if (!enforcing()) {
            return Optional.empty();
        }
        ManifestSignature signature = manifest.signature();
        if (signature == null) {
            return Optional.of("manifest of " + manifest.digest().shortForm() + " is unsigned and trusted keys are set");
        }
        if (!ManifestSigner.ALGORITHM.equals(signature.algorithm())) {
            return Optional.of("manifest of " + manifest.digest().shortForm() + " is signed with unsupported algorithm "
                    + signature.algorithm());
        }
        PublicKey key = byId.get(signature.keyId());
        if (key == null) {
            return Optional.of("manifest of " + manifest.digest().shortForm() + " is signed by untrusted key "
                    + signature.keyId());
        }
        try {
            Signature verifier = Signature.getInstance(ManifestSigner.ALGORITHM);
            verifier.initVerify(key);
            verifier.update(manifest.signedContent());
            if (verifier.verify(Base64.getDecoder().decode(signature.value()))) {
                return Optional.empty();
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // malformed base64 or signature encoding: as bad as a wrong signature
        }
        return Optional.of("manifest of " + manifest.digest().shortForm() + " has a bad signature for key "
                + signature.keyId());
    }
}
