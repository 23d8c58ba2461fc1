package io.edgeswarm.agent.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Reads Ed25519 keys in the PEM forms {@code openssl genpkey -algorithm ed25519} writes (PKCS#8 private, X.509
 * public), and names public keys by a short fingerprint. The JDK implements Ed25519 itself, so no provider is needed.
 */
public final class Ed25519Keys {

    /** Hex digits of the SHA-256 of a public key's X.509 encoding that name it: 64 bits, ample for a trust list. */
    private static final int KEY_ID_HEX_DIGITS = 16;

    private Ed25519Keys() {
    }

    public static PrivateKey readPrivate(Path pem) {
        byte[] der = readPem(pem, "PRIVATE KEY");
        try {
            return KeyFactory.getInstance(ManifestSigner.ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(pem + " is not an Ed25519 private key (" + e.getMessage() + ")", e);
        }
    }

    public static PublicKey readPublic(Path pem) {
        byte[] der = readPem(pem, "PUBLIC KEY");
        try {
            return KeyFactory.getInstance(ManifestSigner.ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(pem + " is not an Ed25519 public key (" + e.getMessage() + ")", e);
        }
    }

    /** The key id of {@code key}: {@code openssl pkey -pubin -outform DER | sha256sum | cut -c1-16} gives the same. */
    public static String keyId(PublicKey key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(hash).substring(0, KEY_ID_HEX_DIGITS);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /**
     * The public half of a private key. The JDK has no accessor for it, but its key pair generator turns 32 random
     * bytes into the private seed; handing it this key's seed as the "random" bytes regenerates the same pair.
     */
    static PublicKey publicOf(PrivateKey key) {
        if (!(key instanceof EdECPrivateKey edKey) || edKey.getBytes().isEmpty()) {
            throw new IllegalArgumentException("not an Ed25519 private key with its seed");
        }
        byte[] seed = edKey.getBytes().get();
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(ManifestSigner.ALGORITHM);
            generator.initialize(NamedParameterSpec.ED25519, new SeedAsRandom(seed));
            KeyPair pair = generator.generateKeyPair();
            if (!Arrays.equals(((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow(), seed)) {
                throw new IllegalStateException("this JDK does not derive Ed25519 keys from the seed as RFC 8032 does");
            }
            return pair.getPublic();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is missing from this JDK", e);
        }
    }

    /** Yields a fixed seed as its only "random" bytes. */
    private static final class SeedAsRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] seed;

        SeedAsRandom(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("expected a request for " + seed.length + " bytes");
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
        }
    }

    private static byte[] readPem(Path pem, String type) {
        String text;
        try {
            text = Files.readString(pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read key file " + pem + ": " + e.getMessage(), e);
        }
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException(pem + " has no '" + begin + "' block");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(pem + " holds invalid base64: " + e.getMessage(), e);
        }
    }
}
