package io.edgeswarm.agent.security;

import io.edgeswarm.agent.config.EdgeswarmProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
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
        for (Path path : security.trustedKeys()) {
            for (Path file : publicKeyFiles(path)) {
                trusted.add(Ed25519Keys.readPublic(file));
            }
        }
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

    /** A key file as given, or every {@code *.pub} in a directory (a mounted Kubernetes Secret, say). */
    static List<Path> publicKeyFiles(Path path) {
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        try (Stream<Path> entries = Files.list(path)) {
            List<Path> keys = entries.filter(p -> p.getFileName().toString().endsWith(".pub"))
                    .filter(Files::isRegularFile).sorted().toList();
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("edgeswarm.security.trusted-keys: " + path
                        + " holds no *.pub files");
            }
            return keys;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list trusted keys in " + path + ": " + e.getMessage(), e);
        }
    }
}
