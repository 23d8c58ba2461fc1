package io.edgeswarm.agent.membership;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticated encryption of gossip packets with a keyring: AES-256-GCM, a random 96-bit nonce per packet, sealed
 * with the primary key and opened with any key on the ring, so keys rotate without downtime (add the new key as
 * accepted everywhere, make it primary, then retire the old one). Keys are derived from the configured secrets with
 * SHA-256 under a domain label. Layout: {@code version(1) | nonce(12) | ciphertext | tag(16)}.
 */
public final class PacketCipher {

    static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    /** Bytes sealing adds to a packet. */
    public static final int OVERHEAD = 1 + NONCE_BYTES + TAG_BITS / 8;
    private static final byte[] DOMAIN = "edgeswarm-gossip-v1".getBytes(StandardCharsets.UTF_8);

    private final SecretKeySpec primary;
    private final List<SecretKeySpec> keyring;
    private final SecureRandom random = new SecureRandom();

    public PacketCipher(String primarySecret, List<String> acceptedSecrets) {
        this.primary = derive(primarySecret);
        List<SecretKeySpec> ring = new ArrayList<>();
        ring.add(primary);
        acceptedSecrets.stream().filter(s -> s != null && !s.isEmpty()).map(PacketCipher::derive).forEach(ring::add);
        this.keyring = List.copyOf(ring);
    }

    public byte[] seal(byte[] plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, primary, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(new byte[] {VERSION});
            ByteBuffer out = ByteBuffer.allocate(1 + NONCE_BYTES + cipher.getOutputSize(plaintext.length));
            out.put(VERSION).put(nonce);
            cipher.doFinal(ByteBuffer.wrap(plaintext), out);
            return out.array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every Java runtime", e);
        }
    }

    /** The plaintext, or empty if no key on the ring authenticates the packet. */
    public Optional<byte[]> open(byte[] sealed) {
        if (sealed.length < OVERHEAD || sealed[0] != VERSION) {
            return Optional.empty();
        }
        GCMParameterSpec spec = new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES);
        for (SecretKeySpec key : keyring) {
            try {
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(Cipher.DECRYPT_MODE, key, spec);
                cipher.updateAAD(sealed, 0, 1);
                return Optional.of(cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES));
            } catch (GeneralSecurityException wrongKeyOrTampered) {
                // try the next key
            }
        }
        return Optional.empty();
    }

    private static SecretKeySpec derive(String secret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(DOMAIN);
            sha.update(secret.getBytes(StandardCharsets.UTF_8));
            return new SecretKeySpec(sha.digest(), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
