package io.edgeswarm.agent.storage;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * How the bytes of one chunk are checked against a manifest before they are stored.
 *
 * <p>With chunk states (the manifest lists them and this runtime can resume SHA-256, see {@link ResumableSha256}),
 * a chunk is hashed on from the state where it begins and must reach the state where the next begins; the last chunk
 * must reach the artifact's digest. Once every chunk has passed, the chain from SHA-256's initial state to the
 * digest is unbroken, which is the whole content hashing to the digest: the whole check needs no pass of its own.
 * Otherwise each chunk's own SHA-256 is compared with the manifest's, and the whole is hashed separately
 * ({@link WholeDigest}).
 */
final class ChunkCheck {

    private final Manifest manifest;
    private final boolean chained;

    private ChunkCheck(Manifest manifest, boolean chained) {
        this.manifest = manifest;
        this.chained = chained;
    }

    static ChunkCheck of(Manifest manifest) {
        return new ChunkCheck(manifest, manifest.hasChunkStates() && ResumableSha256.available());
    }

    /** Whether chunks that all pass this check also prove the whole content against the artifact's digest. */
    boolean provesWhole() {
        return chained;
    }

    /**
     * Passes if {@code parts} (read from their positions, which are left as they were) are chunk {@code index}.
     *
     * @throws ChunkVerificationException naming what the bytes hash to and what the manifest expects; with index -1
     *         if the bytes are the listed chunk but the manifest's states contradict them, so no sender is to blame
     */
    void verify(int index, ByteBuffer... parts) {
        long length = 0;
        for (ByteBuffer part : parts) {
            length += part.remaining();
        }
        if (length != manifest.chunkLength(index)) {
            throw new ChunkVerificationException(manifest.digest(), index, "chunk " + index + " of "
                    + manifest.digest().shortForm() + " is " + manifest.chunkLength(index) + " bytes, got " + length);
        }
        if (chained) {
            verifyChained(index, parts);
        } else {
            verifyOnItsOwn(index, parts);
        }
    }

    private void verifyOnItsOwn(int index, ByteBuffer[] parts) {
        MessageDigest hasher = ChunkingHasher.sha256();
        for (ByteBuffer part : parts) {
            hasher.update(part.duplicate());
        }
        Digest actual = Digest.of(hasher.digest());
        Digest expected = manifest.chunkDigest(index);
        if (!actual.equals(expected)) {
            throw new ChunkVerificationException(manifest.digest(), index, expected, actual);
        }
    }

    private void verifyChained(int index, ByteBuffer[] parts) {
        ResumableSha256 hasher = index == 0 ? ResumableSha256.start()
                : ResumableSha256.resume(manifest.stateBefore(index), manifest.chunkOffset(index));
        for (ByteBuffer part : parts) {
            hasher.update(part.duplicate());
        }
        boolean last = index == manifest.chunkCount() - 1;
        byte[] reached = last ? hasher.digest() : hasher.state();
        byte[] expected = last ? HexFormat.of().parseHex(manifest.digest().hex()) : manifest.stateBefore(index + 1);
        if (MessageDigest.isEqual(reached, expected)) {
            return;
        }
        verifyOnItsOwn(index, parts); // bytes other than the listed chunk: the sender's fault
        // The bytes are the chunk the manifest lists, yet do not continue its states: the manifest contradicts itself.
        throw new ChunkVerificationException(manifest.digest(), -1, "chunk " + index + " of "
                + manifest.digest().shortForm() + " matches its listed SHA-256 but hashes on to " + shortHex(reached)
                + ", where the manifest says " + (last ? "the artifact's digest " : "") + shortHex(expected)
                + ": its chunk states contradict its chunk digests");
    }

    private static String shortHex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes, 0, 6);
    }
}
