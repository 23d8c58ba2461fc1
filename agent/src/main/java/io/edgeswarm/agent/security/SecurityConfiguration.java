package io.edgeswarm.agent.security;

import io.edgeswarm.agent.config.EdgeswarmProperties;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Loads the signing key and the trusted publishers at start, so a bad key file stops the agent with its name. */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    @Bean
    Signing signing(EdgeswarmProperties properties) {
        var security = properties.security();
        Optional<ManifestSigner> signer = Optional.ofNullable(security.signingKey())
                .map(path -> new ManifestSigner(Ed25519Keys.readPrivate(path)));
        List<PublicKey> trusted = new ArrayList<>();
        security.trustedKeys().forEach(path -> trusted.add(Ed25519Keys.readPublic(path)));
        if (!trusted.isEmpty()) {
            signer.ifPresent(s -> trusted.add(s.publicKey())); // an agent trusts what it signs itself
        }
        TrustedKeys keys = new TrustedKeys(trusted);
        signer.ifPresent(s -> log.info("Publishes are signed with Ed25519 key {}", s.keyId()));
        if (keys.enforcing()) {
            log.info("Only manifests signed by {} are accepted from peers", keys.keyIds());
        }
        return new Signing(signer, keys);
    }
}
