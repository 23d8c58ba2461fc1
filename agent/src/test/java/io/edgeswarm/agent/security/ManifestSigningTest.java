package io.edgeswarm.agent.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgeswarm.agent.storage.ChunkingHasher;
import io.edgeswarm.agent.storage.Digest;
import io.edgeswarm.agent.storage.Manifest;
import io.edgeswarm.agent.storage.ManifestSignature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signing and checking manifests with keys made by the shipped script (OpenSSL), as an operator would. */
class ManifestSigningTest {

    @TempDir
    static Path keys;
    private static ManifestSigner publisher;
    private static ManifestSigner stranger;
    private static TrustedKeys trustsPublisher;

    @BeforeAll
    static void makeKeys() throws Exception {
        run("../deploy/signing/make-signing-key.sh", keys.toString(), "publisher");
        run("../deploy/signing/make-signing-key.sh", keys.toString(), "stranger");
        publisher = new ManifestSigner(Ed25519Keys.readPrivate(keys.resolve("publisher.key")));
        stranger = new ManifestSigner(Ed25519Keys.readPrivate(keys.resolve("stranger.key")));
        trustsPublisher = new TrustedKeys(List.of(Ed25519Keys.readPublic(keys.resolve("publisher.pub"))));
    }

    @Test
    void keyIdDerivedFromThePrivateKeyMatchesTheScriptsAndThePublicFile() throws Exception {
        String printed = run("../deploy/signing/make-signing-key.sh", keys.resolve("again").toString(), "k");
        ManifestSigner signer = new ManifestSigner(Ed25519Keys.readPrivate(keys.resolve("again/k.key")));
        assertThat(printed).contains("key id " + signer.keyId());
        assertThat(Ed25519Keys.keyId(Ed25519Keys.readPublic(keys.resolve("again/k.pub")))).isEqualTo(signer.keyId());
        assertThat(signer.publicKey()).isEqualTo(Ed25519Keys.readPublic(keys.resolve("again/k.pub")));
    }

    @Test
    void aSignedManifestIsAcceptedByThoseWhoTrustItsKey() {
        Manifest signed = publisher.apply(manifest("models/llm.bin", 10_000_000, 4_194_304));
        assertThat(signed.signature().keyId()).isEqualTo(publisher.keyId());
        assertThat(signed.signature().algorithm()).isEqualTo("Ed25519");
        assertThat(trustsPublisher.refusal(signed)).isEmpty();
    }

    @Test
    void changingAnySignedFieldBreaksTheSignature() {
        Manifest signed = publisher.apply(manifest("models/llm.bin", 10_000_000, 4_194_304));
        List<Manifest> forgeries = new ArrayList<>();
        forgeries.add(new Manifest(signed.digest(), "models/evil.bin", signed.size(), signed.chunkSize(),
                signed.chunks(), null, signed.signature()));
        forgeries.add(new Manifest(digest("other"), signed.name(), signed.size(), signed.chunkSize(), signed.chunks(),
                null, signed.signature()));
        List<Digest> swapped = new ArrayList<>(signed.chunks());
        swapped.set(1, digest("evil chunk"));
        forgeries.add(new Manifest(signed.digest(), signed.name(), signed.size(), signed.chunkSize(), swapped,
                null, signed.signature()));
        forgeries.add(new Manifest(signed.digest(), signed.name(), signed.size() - 1, signed.chunkSize(),
                signed.chunks(), null, signed.signature()));
        Manifest resized = manifest("models/llm.bin", 10_000_000, 2_097_152);
        forgeries.add(resized.withSignature(signed.signature()));
        for (Manifest forgery : forgeries) {
            assertThat(trustsPublisher.refusal(forgery)).as(forgery.toString()).hasValueSatisfying(
                    reason -> assertThat(reason).contains("bad signature"));
        }
    }

    @Test
    void chunkStatesAreSignedSoAlteringAddingOrStrippingThemBreaksTheSignature() {
        Manifest withStates = hashed("models/chained.bin", 5 * 128 + 7, 128);
        assertThat(withStates.chunkStates()).hasSize(5);
        Manifest signed = publisher.apply(withStates);
        assertThat(trustsPublisher.refusal(signed)).isEmpty();

        List<String> altered = new ArrayList<>(signed.chunkStates());
        altered.set(2, "0".repeat(64));
        Manifest alteredStates = new Manifest(signed.digest(), signed.name(), signed.size(), signed.chunkSize(),
                signed.chunks(), altered, signed.signature());
        Manifest stripped = signed.withoutChunkStates();
        Manifest signedWithout = publisher.apply(withStates.withoutChunkStates());
        Manifest added = new Manifest(signedWithout.digest(), signedWithout.name(), signedWithout.size(),
                signedWithout.chunkSize(), signedWithout.chunks(), withStates.chunkStates(), signedWithout.signature());
        assertThat(trustsPublisher.refusal(signedWithout)).isEmpty();
        for (Manifest forgery : List.of(alteredStates, stripped, added)) {
            assertThat(trustsPublisher.refusal(forgery)).as(forgery.toString()).hasValueSatisfying(
                    reason -> assertThat(reason).contains("bad signature"));
        }
    }

    @Test
    void unsignedUntrustedAndMalformedSignaturesAreRefusedWithTheirReason() {
        Manifest plain = manifest("fw/image.bin", 5_000, 1_024);
        assertThat(trustsPublisher.refusal(plain)).hasValueSatisfying(r -> assertThat(r).contains("unsigned"));
        assertThat(trustsPublisher.refusal(stranger.apply(plain)))
                .hasValueSatisfying(r -> assertThat(r).contains("untrusted key " + stranger.keyId()));
        ManifestSignature garbage = new ManifestSignature(publisher.keyId(), "Ed25519", "not base64 !!");
        assertThat(trustsPublisher.refusal(plain.withSignature(garbage)))
                .hasValueSatisfying(r -> assertThat(r).contains("bad signature"));
        ManifestSignature rsa = new ManifestSignature(publisher.keyId(), "RSA", "AAAA");
        assertThat(trustsPublisher.refusal(plain.withSignature(rsa)))
                .hasValueSatisfying(r -> assertThat(r).contains("unsupported algorithm RSA"));
    }

    @Test
    void withoutTrustedKeysEveryManifestIsAccepted() {
        Manifest plain = manifest("fw/image.bin", 5_000, 1_024);
        assertThat(TrustedKeys.none().enforcing()).isFalse();
        assertThat(TrustedKeys.none().refusal(plain)).isEmpty();
        assertThat(TrustedKeys.none().refusal(stranger.apply(plain))).isEmpty();
    }

    @Test
    void anAgentThatOnlyAcceptsSignedArtifactsRefusesToPublishWithoutAKey() {
        assertThat(new Signing(java.util.Optional.empty(), trustsPublisher).publishRefusal())
                .hasValueSatisfying(r -> assertThat(r).contains("edgeswarm.security.signing-key"));
        assertThat(new Signing(java.util.Optional.of(publisher), trustsPublisher).publishRefusal()).isEmpty();
        assertThat(new Signing(java.util.Optional.empty(), new TrustedKeys(Set.of())).publishRefusal()).isEmpty();
    }

    @Test
    void signedFormIsTheDocumentedLineFormat() {
        Manifest m = manifest("a", 3, 2);
        assertThat(new String(m.signedContent(), StandardCharsets.UTF_8)).isEqualTo("edgeswarm-manifest-v1\n"
                + "digest " + m.digest() + "\nname a\nsize 3\nchunk-size 2\nchunk " + m.chunks().get(0)
                + "\nchunk " + m.chunks().get(1) + "\n");
    }

    @Test
    void signedFormWithChunkStatesIsTheSecondVersionWithOneLinePerState() {
        Manifest m = hashed("b", 200, 64);
        assertThat(new String(m.signedContent(), StandardCharsets.UTF_8)).isEqualTo("edgeswarm-manifest-v2\n"
                + "digest " + m.digest() + "\nname b\nsize 200\nchunk-size 64\nchunk " + m.chunks().get(0)
                + "\nchunk " + m.chunks().get(1) + "\nchunk " + m.chunks().get(2) + "\nchunk " + m.chunks().get(3)
                + "\nchunk-state " + m.chunkStates().get(0) + "\nchunk-state " + m.chunkStates().get(1)
                + "\nchunk-state " + m.chunkStates().get(2) + "\n");
    }

    @Test
    void keyFilesThatAreNotEd25519KeysAreRefusedNamingTheFile() throws IOException {
        Path notAKey = Files.writeString(keys.resolve("junk.pem"), "hello");
        assertThatThrownBy(() -> Ed25519Keys.readPrivate(notAKey)).hasMessageContaining("junk.pem");
        assertThatThrownBy(() -> Ed25519Keys.readPublic(keys.resolve("missing.pub")))
                .hasMessageContaining("missing.pub");
        assertThatThrownBy(() -> Ed25519Keys.readPrivate(keys.resolve("publisher.pub")))
                .hasMessageContaining("PRIVATE KEY");
    }

    @Test
    void aDirectoryOfTrustedKeysMeansEveryPubFileInIt() throws IOException {
        assertThat(SecurityConfiguration.publicKeyFiles(keys)).extracting(p -> p.getFileName().toString())
                .containsExactly("publisher.pub", "stranger.pub");
        assertThat(SecurityConfiguration.publicKeyFiles(keys.resolve("publisher.pub")))
                .containsExactly(keys.resolve("publisher.pub"));
        Path empty = Files.createDirectories(keys.resolve("empty"));
        assertThatThrownBy(() -> SecurityConfiguration.publicKeyFiles(empty)).hasMessageContaining("no *.pub");
    }

    /** The manifest a publish of {@code size} pseudo-random bytes makes, chunk states included. */
    private static Manifest hashed(String name, int size, int chunkSize) {
        byte[] content = new byte[size];
        new java.util.Random(size).nextBytes(content);
        ChunkingHasher hasher = new ChunkingHasher(chunkSize);
        hasher.update(java.nio.ByteBuffer.wrap(content));
        return hasher.finish(name);
    }

    private static Manifest manifest(String name, long size, int chunkSize) {
        int count = Manifest.expectedChunkCount(size, chunkSize);
        List<Digest> chunks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            chunks.add(digest(name + "#" + i));
        }
        return new Manifest(digest(name), name, size, chunkSize, chunks);
    }

    private static Digest digest(String seed) {
        try {
            return Digest.of(MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        return output;
    }
}
