package io.edgeswarm.agent.swarm;

import static io.edgeswarm.agent.TestBytes.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.edgeswarm.agent.storage.ArtifactStore;
import io.edgeswarm.agent.storage.ChunkingHasher;
import io.edgeswarm.agent.storage.Manifest;
import io.edgeswarm.agent.storage.StoredArtifact;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Waiting bitfield polls against a real store, on a virtual clock: an answer before the wait is over is news. */
class HoldingsNewsTest {

    private static final int CHUNK = 64 * 1024;
    private static final Duration WAIT = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    private VirtualTimeScheduler clock;
    private ArtifactStore store;
    private Manifest manifest;
    private byte[] content;
    private StoredArtifact partial;

    @BeforeEach
    void partialArtifact() throws IOException {
        store = new ArtifactStore(dir, CHUNK, 0, Clock.systemUTC(), Schedulers.boundedElastic()).open();
        clock = VirtualTimeScheduler.getOrSet(); // after the store took its real scheduler
        content = randomBytes(4 * CHUNK, 31);
        ChunkingHasher hasher = new ChunkingHasher(CHUNK);
        hasher.update(ByteBuffer.wrap(content));
        manifest = hasher.finish("news/test");
        partial = store.beginPartial(manifest);
        put(0);
    }

    @AfterEach
    void close() {
        store.close();
        VirtualTimeScheduler.reset();
    }

    @Test
    void aPollerLackingAHeldChunkIsAnsweredAtOnce() {
        List<BitSet> answers = subscribe(new HoldingsNews(store, 4), holdings(), WAIT);

        assertThat(answers).containsExactly(bits(0));
    }

    @Test
    void aPollerHoldingEverythingHereIsAnsweredWhenAChunkItLacksArrives() throws IOException {
        HoldingsNews news = new HoldingsNews(store, 4);
        List<BitSet> answers = subscribe(news, holdings(0, 1), WAIT);
        assertThat(answers).isEmpty();
        assertThat(news.waiting()).isOne();

        put(1); // the poller has it already: no news
        assertThat(answers).isEmpty();
        put(2);

        assertThat(answers).containsExactly(bits(0, 1, 2));
        assertThat(news.waiting()).isZero();
    }

    @Test
    void aNewChunkAnswersTwoWaitersAndTheNextChunkTheRest() throws IOException {
        HoldingsNews news = new HoldingsNews(store, 8);
        List<List<BitSet>> waiters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiters.add(subscribe(news, holdings(0), WAIT));
        }

        put(1);
        assertThat(waiters.stream().filter(answers -> !answers.isEmpty()).count())
                .isEqualTo(HoldingsNews.ANSWERS_PER_CHUNK);
        put(2);

        assertThat(waiters).allSatisfy(answers -> assertThat(answers).hasSize(1));
        assertThat(news.waiting()).isZero();
    }

    @Test
    void aWaitWithoutNewsEndsWithTheBitfieldAsItStands() {
        HoldingsNews news = new HoldingsNews(store, 4);
        List<BitSet> answers = subscribe(news, holdings(0), WAIT);

        clock.advanceTimeBy(WAIT.minusMillis(1));
        assertThat(answers).isEmpty();
        clock.advanceTimeBy(Duration.ofMillis(1));

        assertThat(answers).containsExactly(bits(0));
        assertThat(news.waiting()).isZero();
    }

    @Test
    void waitsBeyondTheLimitAreRefusedUntilOneEnds() throws IOException {
        HoldingsNews news = new HoldingsNews(store, 2);
        subscribe(news, holdings(0), WAIT);
        subscribe(news, holdings(0), WAIT);

        assertThat(news.await(partial, holdings(0), WAIT)).isEmpty();
        put(3);

        assertThat(news.waiting()).isZero();
        assertThat(news.await(partial, holdings(0, 3), WAIT)).isPresent();
    }

    @Test
    void aPollerWithoutABitfieldTakesAnyHeldChunkAsNews() {
        List<BitSet> answers = subscribe(new HoldingsNews(store, 4), null, WAIT);

        assertThat(answers).containsExactly(bits(0));
    }

    private List<BitSet> subscribe(HoldingsNews news, String theirs, Duration wait) {
        List<BitSet> answers = new ArrayList<>();
        Optional<Mono<byte[]>> answer = news.await(partial, theirs, wait);
        assertThat(answer).isPresent();
        answer.get().subscribe(bytes -> answers.add(BitSet.valueOf(bytes)));
        return answers;
    }

    private void put(int index) throws IOException {
        store.putChunk(manifest.digest(), index, ByteBuffer.wrap(content, (int) manifest.chunkOffset(index),
                manifest.chunkLength(index)).slice());
    }

    private static String holdings(int... chunks) {
        return Base64.getEncoder().encodeToString(bits(chunks).toByteArray());
    }

    private static BitSet bits(int... chunks) {
        BitSet bits = new BitSet();
        for (int chunk : chunks) {
            bits.set(chunk);
        }
        return bits;
    }
}
