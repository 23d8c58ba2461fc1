package io.edgeswarm.agent.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the in-memory view of the store from disk after a start or a crash. Anything in {@code tmp/} was
 * half-written and is dropped; an artifact directory that does not check out is discarded with a log line naming the
 * cause; every chunk a partial artifact claims, in its bitfield or its journal, is re-verified, since it may have been
 * written as the agent died or lost with the page cache. The journal is then folded into a new bitfield.
 * Complete artifacts were verified whole before they were marked complete and are trusted.
 */
final class StoreRecovery {

    private static final Logger log = LoggerFactory.getLogger(StoreRecovery.class);

    private final StoreLayout layout;
    private final Clock clock;

    StoreRecovery(StoreLayout layout, Clock clock) {
        this.layout = layout;
        this.clock = clock;
    }

    List<StoredArtifact> recover() throws IOException {
        clearTmp();
        List<StoredArtifact> found = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(layout.artifacts())) {
            for (Path dir : dirs) {
                try {
                    found.add(load(dir));
                } catch (IOException | RuntimeException e) {
                    log.error("Discarding damaged artifact directory {}: {}", dir, e.getMessage());
                    Path trash = layout.tmp().resolve("trash-" + UUID.randomUUID());
                    AtomicFiles.move(dir, trash);
                    AtomicFiles.deleteRecursively(trash);
                }
            }
        }
        return found;
    }

    private void clearTmp() throws IOException {
        List<Path> leftovers = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(layout.tmp())) {
            entries.forEach(leftovers::add);
        }
        for (Path leftover : leftovers) {
            AtomicFiles.deleteRecursively(leftover);
        }
        if (!leftovers.isEmpty()) {
            log.warn("Removed {} half-written entries from {} (publishes or deletes cut short)", leftovers.size(),
                    layout.tmp());
        }
    }

    private StoredArtifact load(Path dir) throws IOException {
        Digest named = new Digest(dir.getFileName().toString());
        Manifest manifest = ManifestCodec.read(StoreLayout.manifest(dir));
        if (!manifest.digest().equals(named)) {
            throw new IOException("manifest describes " + manifest.digest() + " but sits under " + named);
        }
        Path data = StoreLayout.data(dir);
        long length = Files.size(data);
        if (length != manifest.size()) {
            throw new IOException("data file holds " + length + " bytes, manifest says " + manifest.size());
        }
        var lastAccess = Files.getLastModifiedTime(data).toInstant();
        Path bitfieldFile = StoreLayout.bitfield(dir);
        boolean origin = Files.exists(StoreLayout.originMarker(dir));
        Path journal = StoreLayout.journal(dir);
        if (!Files.exists(bitfieldFile)) {
            // Completion deletes the bitfield first; a journal left behind by a crash just after is stale.
            Files.deleteIfExists(journal);
            return new StoredArtifact(manifest, dir, Bitfield.full(manifest.chunkCount()), true, lastAccess, origin);
        }
        Bitfield held = Bitfield.fromByteArray(manifest.chunkCount(), Files.readAllBytes(bitfieldFile));
        boolean journaled = Files.exists(journal);
        PartialFiles.read(journal, manifest.chunkCount()).stream().forEach(held::set);
        int dropped = reverify(manifest, data, held);
        if (dropped > 0) {
            log.warn("Artifact {}: {} chunks failed re-verification and will be fetched again", manifest.digest(),
                    dropped);
        }
        if (dropped > 0 || journaled) {
            // The new bitfield is durable before the journal goes, so no verified chunk is forgotten in between.
            AtomicFiles.write(bitfieldFile, held.toByteArray());
            Files.deleteIfExists(journal);
            AtomicFiles.fsyncDirectory(dir);
        }
        return new StoredArtifact(manifest, dir, held, false, clock.instant().isBefore(lastAccess)
                ? clock.instant() : lastAccess, origin);
    }

    private static int reverify(Manifest manifest, Path data, Bitfield held) throws IOException {
        int dropped = 0;
        try (FileChannel channel = FileChannel.open(data, StandardOpenOption.READ)) {
            ChunkCheck check = ChunkCheck.of(manifest);
            ByteBuffer buffer = ByteBuffer.allocate(manifest.chunkSize());
            var bits = held.snapshot();
            for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
                buffer.clear().limit(manifest.chunkLength(i));
                long position = manifest.chunkOffset(i);
                while (buffer.hasRemaining() && channel.read(buffer, position + buffer.position()) >= 0) {
                    // keep reading until the chunk is whole
                }
                buffer.flip();
                try {
                    check.verify(i, buffer);
                } catch (ChunkVerificationException e) {
                    held.clear(i);
                    dropped++;
                }
            }
        }
        return dropped;
    }
}
