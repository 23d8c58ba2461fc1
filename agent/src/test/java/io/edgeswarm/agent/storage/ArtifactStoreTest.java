package io.edgeswarm.agent.storage;

import static io.edgeswarm.agent.TestBytes.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

class ArtifactStoreTest {

    private static final int CHUNK = 64 * 1024;

    @TempDir
    Path dir;

    @Test
    void publishedArtifactIsFoundAgainAfterReopening() throws IOException {
        byte[] content = randomBytes(3 * CHUNK + 5, 1);
        Manifest published = publish(open(), "demo/a.bin", content);

        ArtifactStore reopened = open();

        StoredArtifact found = reopened.require(published.digest());
        assertThat(found.isComplete()).isTrue();
        assertThat(found.manifest()).isEqualTo(published);
        assertThat(Files.readAllBytes(found.contentRegion(0, content.length).file())).isEqualTo(content);
        assertThat(reopened.resolve(new ArtifactName("demo/a.bin"))).contains(published.digest());
    }

    @Test
    void zeroByteArtifactIsStoredWithNoChunks() throws IOException {
        Manifest manifest = publish(open(), "empty", new byte[0]);

        StoredArtifact found = open().require(manifest.digest());
        assertThat(found.manifest().chunkCount()).isZero();
        assertThat(found.isComplete()).isTrue();
        assertThat(found.progress()).isEqualTo(1.0);
    }

    @Test
    void automaticChunkSizeFollowsTheAnnouncedSize() throws IOException {
        ArtifactStore store = new ArtifactStore(dir, ChunkSizing.auto(4 * 1024 * 1024), 0, Clock.systemUTC(),
                Schedulers.boundedElastic(), java.util.function.UnaryOperator.identity(),
                ArtifactStore.DEFAULT_SYNC_INTERVAL).open();
        byte[] content = randomBytes(3 * 1024 * 1024 + 1, 6);

        Manifest announced = store.publish(new ArtifactName("sized"), buffers(content, 65536), content.length).block();
        Manifest unannounced = store.publish(new ArtifactName("unsized"), buffers(randomBytes(1024, 7), 512)).block();

        assertThat(announced.chunkSize()).isEqualTo(512 * 1024);
        assertThat(announced.chunkCount()).isEqualTo(7);
        assertThat(unannounced.chunkSize()).isEqualTo(4 * 1024 * 1024);
    }

    @Test
    void publishingTheSameContentTwiceKeepsOneCopyUnderTwoNames() throws IOException {
        ArtifactStore store = open();
        byte[] content = randomBytes(CHUNK, 2);

        Manifest first = publish(store, "first", content);
        Manifest second = publish(store, "second", content);

        assertThat(second.digest()).isEqualTo(first.digest());
        assertThat(store.list()).hasSize(1);
        assertThat(store.namesOf(first.digest())).containsExactly("first", "second");
        assertThat(tmpEntries()).isEmpty();
    }

    @Test
    void laterPublishMovesTheName() throws IOException {
        ArtifactStore store = open();
        publish(store, "tag", randomBytes(10, 3));
        Manifest newer = publish(store, "tag", randomBytes(10, 4));

        assertThat(open().resolve(new ArtifactName("tag"))).contains(newer.digest());
    }

    @Test
    void bodyThatFailsMidwayLeavesNothingBehind() throws IOException {
        ArtifactStore store = open();
        Flux<DataBuffer> broken = Flux.concat(buffers(randomBytes(CHUNK, 5), 4096),
                Flux.error(new IOException("client went away")));

        assertThatThrownBy(() -> store.publish(new ArtifactName("broken"), broken).block())
                .hasMessageContaining("client went away");

        assertThat(store.list()).isEmpty();
        assertThat(tmpEntries()).isEmpty();
    }

    @Test
    void publishOverQuotaIsRefusedAndLeavesNothingBehind() throws IOException {
        ArtifactStore store = new ArtifactStore(dir, CHUNK, 2 * CHUNK, Clock.systemUTC(), Schedulers.boundedElastic())
                .open();
        Manifest fits = publish(store, "fits", randomBytes(CHUNK, 6));
        store.pin(fits.digest());

        assertThatThrownBy(() -> publish(store, "too-big", randomBytes(2 * CHUNK, 7)))
                .isInstanceOf(StorageFullException.class);

        assertThat(store.list()).hasSize(1);
        assertThat(tmpEntries()).isEmpty();
        assertThat(store.freeBytes()).isEqualTo(CHUNK);
    }

    @Test
    void leastRecentlyUsedArtifactIsEvictedToMakeRoom() throws IOException {
        java.time.Instant[] now = {java.time.Instant.parse("2026-01-01T00:00:00Z")};
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                now[0] = now[0].plusSeconds(1);
                return now[0];
            }
        };
        ArtifactStore store = new ArtifactStore(dir, CHUNK, 3 * CHUNK, clock, Schedulers.boundedElastic()).open();
        Manifest older = publish(store, "older", randomBytes(CHUNK, 20));
        Manifest newer = publish(store, "newer", randomBytes(CHUNK, 21));
        store.find(older.digest()); // used since: now the newer one is least recently used

        Manifest third = publish(store, "third", randomBytes(2 * CHUNK, 22));

        assertThat(store.find(newer.digest())).isEmpty();
        assertThat(store.find(older.digest())).isPresent();
        assertThat(store.find(third.digest())).isPresent();
        assertThat(store.evictions()).isEqualTo(1);
    }

    @Test
    void pinnedArtifactsAreNeverEvicted() throws IOException {
        ArtifactStore store = new ArtifactStore(dir, CHUNK, 2 * CHUNK, Clock.systemUTC(), Schedulers.boundedElastic())
                .open();
        Manifest kept = publish(store, "kept", randomBytes(2 * CHUNK, 23));
        store.pin(kept.digest());

        assertThatThrownBy(() -> publish(store, "other", randomBytes(CHUNK, 24)))
                .isInstanceOf(StorageFullException.class);
        assertThat(store.find(kept.digest())).isPresent();
    }

    @Test
    void deleteRemovesDataAndNames() throws IOException {
        ArtifactStore store = open();
        Manifest manifest = publish(store, "gone", randomBytes(CHUNK, 8));

        assertThat(store.delete(manifest.digest())).isTrue();

        assertThat(store.find(manifest.digest())).isEmpty();
        assertThat(store.resolve(new ArtifactName("gone"))).isEmpty();
        assertThat(open().list()).isEmpty();
    }

    @Test
    void halfWrittenPublishesAreRemovedOnRestart() throws IOException {
        ArtifactStore store = open();
        publish(store, "kept", randomBytes(CHUNK, 9));
        // What a kill -9 mid-publish leaves: a temp data file and a staging directory never renamed into place.
        Files.write(dir.resolve("tmp/publish-crashed.data"), randomBytes(CHUNK / 2, 10));
        Files.createDirectories(dir.resolve("tmp/stage-crashed"));
        Files.write(dir.resolve("tmp/stage-crashed/data"), randomBytes(CHUNK, 11));

        ArtifactStore reopened = open();

        assertThat(tmpEntries()).isEmpty();
        assertThat(reopened.list()).extracting(a -> a.manifest().name()).containsExactly("kept");
    }

    @Test
    void damagedArtifactDirectoryIsDiscardedOnRestart() throws IOException {
        ArtifactStore store = open();
        Manifest good = publish(store, "good", randomBytes(CHUNK, 12));
        Manifest bad = publish(store, "bad", randomBytes(CHUNK, 13));
        Files.write(dir.resolve("artifacts").resolve(bad.digest().hex()).resolve("data"), new byte[10]);

        ArtifactStore reopened = open();

        assertThat(reopened.find(good.digest())).isPresent();
        assertThat(reopened.find(bad.digest())).isEmpty();
        assertThat(dir.resolve("artifacts").resolve(bad.digest().hex())).doesNotExist();
    }

    @ParameterizedTest(name = "chunk states listed: {0}")
    @ValueSource(booleans = {true, false})
    void verifiedChunksCompleteAPartialArtifact(boolean states) throws IOException {
        byte[] content = randomBytes(2 * CHUNK + 100, 14);
        Manifest manifest = states ? manifestOf(content) : manifestOf(content).withoutChunkStates();
        ArtifactStore store = open();
        store.beginPartial(manifest);

        putChunks(store, manifest, content, 0, manifest.chunkCount());

        StoredArtifact artifact = store.require(manifest.digest());
        assertThat(artifact.isComplete()).isTrue();
        assertThat(Files.readAllBytes(artifact.contentRegion(0, content.length).file())).isEqualTo(content);
        assertThat(open().require(manifest.digest()).isComplete()).isTrue();
    }

    @Test
    void aPartialArtifactNamesTheLowestChunkItLacks() throws IOException {
        byte[] content = randomBytes(4 * CHUNK, 19);
        Manifest manifest = manifestOf(content);
        ArtifactStore store = open();
        StoredArtifact artifact = store.beginPartial(manifest);
        assertThat(artifact.firstMissingChunk()).isZero();

        putChunks(store, manifest, content, 0, 1);
        putChunks(store, manifest, content, 2, 3);
        assertThat(artifact.firstMissingChunk()).isEqualTo(1);

        putChunks(store, manifest, content, 1, 2);
        assertThat(artifact.firstMissingChunk()).isEqualTo(3);
        putChunks(store, manifest, content, 3, 4);
        assertThat(store.require(manifest.digest()).firstMissingChunk()).isEqualTo(manifest.chunkCount());
    }

    @Test
    void chunksArrivingConcurrentlyAndTwiceStillCompleteTheArtifact() throws Exception {
        byte[] content = randomBytes(50 * CHUNK + 7, 18);
        Manifest manifest = manifestOf(content);
        ArtifactStore store = open();
        store.beginPartial(manifest);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            var tasks = new java.util.ArrayList<java.util.concurrent.Callable<Void>>();
            for (int round = 0; round < 2; round++) {
                for (int i = manifest.chunkCount() - 1; i >= 0; i--) {
                    int index = i;
                    tasks.add(() -> {
                        store.putChunk(manifest.digest(), index, chunk(content, manifest, index));
                        return null;
                    });
                }
            }
            for (var future : pool.invokeAll(tasks)) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }

        assertThat(store.require(manifest.digest()).isComplete()).isTrue();
    }

    @Test
    void withoutChunkStatesChunksArrivingInOrderAreHashedWholeAsTheyArrive() throws IOException {
        byte[] content = randomBytes(6 * CHUNK + 3, 21);
        Manifest manifest = manifestOf(content).withoutChunkStates();
        ArtifactStore store = open();
        StoredArtifact artifact = store.beginPartial(manifest);

        putChunks(store, manifest, content, 0, manifest.chunkCount() - 1);
        assertThat(artifact.wholeDigest().hashedChunks()).isEqualTo(manifest.chunkCount() - 1);
        int last = manifest.chunkCount() - 1;
        store.putChunk(manifest.digest(), last, chunk(content, manifest, last));

        assertThat(artifact.isComplete()).isTrue();
        assertThat(artifact.wholeDigest()).isNull();
    }

    @Test
    void withoutChunkStatesChunksBeyondAGapAreHashedFromTheFileOnceItFillsABoundedNumberAtATime() throws IOException {
        byte[] content = randomBytes(40 * CHUNK, 22);
        Manifest manifest = manifestOf(content).withoutChunkStates();
        ArtifactStore store = open();
        StoredArtifact artifact = store.beginPartial(manifest);
        putChunks(store, manifest, content, 1, 31);
        assertThat(artifact.wholeDigest().hashedChunks()).isZero();

        store.putChunk(manifest.digest(), 0, chunk(content, manifest, 0));
        assertThat(artifact.wholeDigest().hashedChunks()).isEqualTo(1 + WholeDigest.MAX_CATCH_UP_CHUNKS);

        putChunks(store, manifest, content, 31, manifest.chunkCount());
        assertThat(artifact.isComplete()).isTrue();
    }

    @Test
    void withoutChunkStatesAPartialArtifactResumedAfterRestartHashesItsEarlierChunksFromTheFile() throws IOException {
        byte[] content = randomBytes(5 * CHUNK + 9, 23);
        Manifest manifest = manifestOf(content).withoutChunkStates();
        ArtifactStore first = open();
        first.beginPartial(manifest);
        putChunks(first, manifest, content, 0, 3);

        ArtifactStore resumed = open();
        putChunks(resumed, manifest, content, 3, manifest.chunkCount());

        assertThat(resumed.require(manifest.digest()).isComplete()).isTrue();
    }

    @Test
    void chunksThatAllMatchAManifestWhoseWholeDigestIsWrongLeaveNothingStored() throws IOException {
        byte[] content = randomBytes(3 * CHUNK + 5, 24);
        Manifest honest = manifestOf(content);
        Digest wrong = manifestOf(randomBytes(10, 25)).digest();
        Manifest lying = new Manifest(wrong, honest.name(), honest.size(), honest.chunkSize(), honest.chunks());
        ArtifactStore store = open();
        store.beginPartial(lying);
        for (int i = 0; i < lying.chunkCount() - 1; i++) {
            store.putChunk(wrong, i, chunk(content, lying, i));
        }

        assertThatThrownBy(() -> store.putChunk(wrong, lying.chunkCount() - 1,
                chunk(content, lying, lying.chunkCount() - 1)))
                .isInstanceOf(ChunkVerificationException.class);
        assertThat(store.find(wrong)).isEmpty();
    }

    @Test
    void withChunkStatesEveryChunkIsCheckedOnceAndTheLastCompletesTheArtifactInAnyOrder() throws IOException {
        byte[] content = randomBytes(12 * CHUNK + 40, 26);
        Manifest manifest = manifestOf(content);
        assertThat(manifest.chunkStates()).hasSize(manifest.chunkCount() - 1);
        ArtifactStore store = open();
        StoredArtifact artifact = store.beginPartial(manifest);
        assertThat(artifact.wholeDigest()).as("no second pass over the content").isNull();
        java.util.List<Integer> order = new java.util.ArrayList<>(java.util.stream.IntStream
                .range(0, manifest.chunkCount()).boxed().toList());
        java.util.Collections.shuffle(order, new java.util.Random(26));

        for (int index : order) {
            store.putChunk(manifest.digest(), index, chunk(content, manifest, index));
        }

        assertThat(artifact.isComplete()).isTrue();
        assertThat(Files.readAllBytes(artifact.contentRegion(0, content.length).file())).isEqualTo(content);
    }

    @Test
    void withChunkStatesAWrongWholeDigestStopsTheLastChunkAndLeavesNothingStored() throws IOException {
        byte[] content = randomBytes(3 * CHUNK + 5, 27);
        Manifest honest = manifestOf(content);
        Digest wrong = manifestOf(randomBytes(10, 28)).digest();
        Manifest lying = new Manifest(wrong, honest.name(), honest.size(), honest.chunkSize(), honest.chunks(),
                honest.chunkStates(), null);
        ArtifactStore store = open();
        store.beginPartial(lying);
        putChunks(store, lying, content, 0, lying.chunkCount() - 1);

        assertThatThrownBy(() -> store.putChunk(wrong, lying.chunkCount() - 1,
                chunk(content, lying, lying.chunkCount() - 1)))
                .isInstanceOfSatisfying(ChunkVerificationException.class, e -> {
                    assertThat(e.index()).as("no sender to blame").isEqualTo(-1);
                    assertThat(e.getMessage()).contains("contradict");
                });
        assertThat(store.find(wrong)).isEmpty();
    }

    @Test
    void withChunkStatesBytesOtherThanTheListedChunkAreTheSendersFaultAndAStateThatLiesIsTheManifests()
            throws IOException {
        byte[] content = randomBytes(4 * CHUNK, 29);
        Manifest honest = manifestOf(content);
        java.util.List<String> states = new java.util.ArrayList<>(honest.chunkStates());
        states.set(1, "ab".repeat(32));
        Manifest lying = new Manifest(honest.digest(), honest.name(), honest.size(), honest.chunkSize(),
                honest.chunks(), states, null);
        ArtifactStore store = open();
        store.beginPartial(lying);
        ByteBuffer corrupt = chunk(content.clone(), lying, 2);
        corrupt.put(5, (byte) (corrupt.get(5) ^ 1));
        putChunks(store, lying, content, 0, 1);

        assertThatThrownBy(() -> store.putChunk(lying.digest(), 2, corrupt))
                .isInstanceOfSatisfying(ChunkVerificationException.class, e -> assertThat(e.index()).isEqualTo(2));
        assertThat(store.require(lying.digest()).hasChunk(0)).isTrue();
        assertThatThrownBy(() -> store.putChunk(lying.digest(), 2, chunk(content, lying, 2)))
                .isInstanceOfSatisfying(ChunkVerificationException.class, e -> assertThat(e.index()).isEqualTo(-1));
        assertThat(store.find(lying.digest())).as("a manifest that contradicts itself is dropped").isEmpty();
    }

    @ParameterizedTest(name = "chunk states listed: {0}")
    @ValueSource(booleans = {true, false})
    void chunkThatDoesNotMatchTheManifestIsRefused(boolean states) throws IOException {
        byte[] content = randomBytes(2 * CHUNK, 15);
        Manifest manifest = states ? manifestOf(content) : manifestOf(content).withoutChunkStates();
        ArtifactStore store = open();
        store.beginPartial(manifest);
        ByteBuffer corrupt = chunk(content, manifest, 1);
        corrupt.put(0, (byte) (corrupt.get(0) ^ 1));

        assertThatThrownBy(() -> store.putChunk(manifest.digest(), 1, corrupt))
                .isInstanceOf(ChunkVerificationException.class);

        assertThat(store.require(manifest.digest()).hasChunk(1)).isFalse();
    }

    @Test
    void partialArtifactResumesWithItsVerifiedChunksAfterRestart() throws IOException {
        byte[] content = randomBytes(4 * CHUNK, 16);
        Manifest manifest = manifestOf(content);
        ArtifactStore store = openSyncingRarely();
        store.beginPartial(manifest);
        store.putChunk(manifest.digest(), 2, chunk(content, manifest, 2));
        store.putChunk(manifest.digest(), 0, chunk(content, manifest, 0));
        Path artifactDir = dir.resolve("artifacts").resolve(manifest.digest().hex());
        assertThat(PartialFiles.read(artifactDir.resolve(StoreLayout.JOURNAL), 4).stream().toArray())
                .containsExactly(0, 2);

        // Reopened without close(), as after a kill: nothing was synced, the page cache still has it all.
        StoredArtifact resumed = openSyncingRarely().require(manifest.digest());

        assertThat(resumed.isComplete()).isFalse();
        assertThat(resumed.bitfield().snapshot().stream().toArray()).containsExactly(0, 2);
        assertThat(artifactDir.resolve(StoreLayout.JOURNAL)).as("folded into the bitfield").doesNotExist();
        assertThat(Bitfield.fromByteArray(4, Files.readAllBytes(artifactDir.resolve(StoreLayout.BITFIELD)))
                .snapshot().stream().toArray()).containsExactly(0, 2);
    }

    @ParameterizedTest(name = "chunk states listed: {0}")
    @ValueSource(booleans = {true, false})
    void chunkCorruptedOnDiskBeforeRestartIsDroppedAndNotServed(boolean states) throws IOException {
        byte[] content = randomBytes(3 * CHUNK, 17);
        Manifest manifest = states ? manifestOf(content) : manifestOf(content).withoutChunkStates();
        ArtifactStore store = open();
        store.beginPartial(manifest);
        putChunks(store, manifest, content, 0, 2);
        // A torn write: the bitfield claims chunk 1 but its bytes on disk are damaged.
        try (RandomAccessFile data = new RandomAccessFile(
                dir.resolve("artifacts").resolve(manifest.digest().hex()).resolve("data").toFile(), "rw")) {
            data.seek(CHUNK + 10);
            data.write(0xFF ^ content[CHUNK + 10]);
        }

        StoredArtifact resumed = open().require(manifest.digest());

        assertThat(resumed.hasChunk(0)).isTrue();
        assertThat(resumed.hasChunk(1)).isFalse();
        assertThatThrownBy(() -> resumed.chunkRegion(1)).isInstanceOf(ChunkNotHeldException.class);
    }

    @Test
    void aJournaledChunkWhoseBytesWereLostIsDroppedAndATornEntryIgnored() throws IOException {
        byte[] content = randomBytes(3 * CHUNK, 32);
        Manifest manifest = manifestOf(content);
        ArtifactStore store = openSyncingRarely();
        store.beginPartial(manifest);
        putChunks(store, manifest, content, 0, 2);
        Path artifactDir = dir.resolve("artifacts").resolve(manifest.digest().hex());
        // A power loss: chunk 1's journal entry reached the disk but its bytes did not; the journal ends in half an
        // entry and one out of range.
        try (RandomAccessFile data = new RandomAccessFile(artifactDir.resolve("data").toFile(), "rw")) {
            data.seek(CHUNK);
            data.write(new byte[CHUNK]);
        }
        Files.write(artifactDir.resolve(StoreLayout.JOURNAL), new byte[] {0, 0, 0, 9, 0, 0},
                java.nio.file.StandardOpenOption.APPEND);

        ArtifactStore reopened = openSyncingRarely();

        assertThat(reopened.require(manifest.digest()).bitfield().snapshot().stream().toArray()).containsExactly(0);
        putChunks(reopened, manifest, content, 1, 3);
        assertThat(reopened.require(manifest.digest()).isComplete()).isTrue();
    }

    @Test
    void aCompleteArtifactLeavesNeitherBitfieldNorJournalBehind() throws IOException {
        byte[] content = randomBytes(3 * CHUNK + 5, 33);
        Manifest manifest = manifestOf(content);
        ArtifactStore store = openSyncingRarely();
        store.beginPartial(manifest);

        putChunks(store, manifest, content, 0, manifest.chunkCount());

        Path artifactDir = dir.resolve("artifacts").resolve(manifest.digest().hex());
        assertThat(artifactDir.resolve(StoreLayout.BITFIELD)).doesNotExist();
        assertThat(artifactDir.resolve(StoreLayout.JOURNAL)).doesNotExist();
        assertThat(openSyncingRarely().require(manifest.digest()).isComplete()).isTrue();
    }

    @Test
    void closingSyncsAndReleasesThePartialFiles() throws IOException {
        byte[] content = randomBytes(2 * CHUNK, 34);
        Manifest manifest = manifestOf(content);
        ArtifactStore store = openSyncingRarely();
        store.beginPartial(manifest);
        store.putChunk(manifest.digest(), 0, chunk(content, manifest, 0));

        store.close();
        store.putChunk(manifest.digest(), 1, chunk(content, manifest, 1));

        StoredArtifact resumed = openSyncingRarely().require(manifest.digest());
        assertThat(resumed.bitfield().snapshot().stream().toArray()).as("nothing written after close").containsExactly(0);
    }

    private ArtifactStore open() throws IOException {
        return new ArtifactStore(dir, CHUNK, 0, Clock.systemUTC(), Schedulers.boundedElastic()).open();
    }

    private ArtifactStore openSyncingRarely() throws IOException {
        return new ArtifactStore(dir, ChunkSizing.fixed(CHUNK), 0, Clock.systemUTC(), Schedulers.boundedElastic(),
                java.util.function.UnaryOperator.identity(), java.time.Duration.ofMinutes(1)).open();
    }

    private static Manifest publish(ArtifactStore store, String name, byte[] content) {
        return store.publish(new ArtifactName(name), buffers(content, 8192)).block();
    }

    private static Flux<DataBuffer> buffers(byte[] content, int piece) {
        return Flux.range(0, (content.length + piece - 1) / piece)
                .map(i -> DefaultDataBufferFactory.sharedInstance.wrap(
                        Arrays.copyOfRange(content, i * piece, Math.min(content.length, (i + 1) * piece))));
    }

    private static Manifest manifestOf(byte[] content) {
        ChunkingHasher hasher = new ChunkingHasher(CHUNK);
        hasher.update(ByteBuffer.wrap(content));
        return hasher.finish("partial/test");
    }

    /** Stores chunks {@code from} (inclusive) to {@code to} (exclusive) of {@code content}, in order. */
    private static void putChunks(ArtifactStore store, Manifest manifest, byte[] content, int from, int to)
            throws IOException {
        for (int i = from; i < to; i++) {
            store.putChunk(manifest.digest(), i, chunk(content, manifest, i));
        }
    }

    private static ByteBuffer chunk(byte[] content, Manifest manifest, int index) {
        return ByteBuffer.wrap(content, (int) manifest.chunkOffset(index), manifest.chunkLength(index)).slice();
    }

    private Stream<Path> tmpEntries() throws IOException {
        try (Stream<Path> entries = Files.list(dir.resolve("tmp"))) {
            return entries.toList().stream();
        }
    }
}
