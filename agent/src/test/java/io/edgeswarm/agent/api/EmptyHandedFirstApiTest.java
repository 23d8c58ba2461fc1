package io.edgeswarm.agent.api;

import static io.edgeswarm.agent.TestBytes.randomBytes;
import static io.edgeswarm.agent.api.TurnSockets.SLOW_READER_BUFFER;
import static io.edgeswarm.agent.api.TurnSockets.begun;
import static io.edgeswarm.agent.api.TurnSockets.body;
import static io.edgeswarm.agent.api.TurnSockets.get;
import static io.edgeswarm.agent.api.TurnSockets.quiet;
import static org.assertj.core.api.Assertions.assertThat;

import io.edgeswarm.agent.swarm.HoldingsHeader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.Socket;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * In the origin's line of first sends, a downloader whose bitfield names no chunk goes ahead of one that holds some,
 * though it asked later: a late starter then has something to pass on as soon as the others do.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"edgeswarm.transfer.chunk-size=4MB", "edgeswarm.transfer.first-send-streams=1",
                "edgeswarm.transfer.first-send-queue=2", "edgeswarm.transfer.upload-slots=1",
                "edgeswarm.gossip.port=0"})
class EmptyHandedFirstApiTest extends RunningAgentTest {

    private static final int CHUNK = 4 * 1024 * 1024;
    /** Base64 of one byte with its lowest bit set: a bitfield naming chunk 0. */
    private static final String HOLDS_CHUNK_0 = HoldingsHeader.NAME + ": AQ==\r\n";
    /** A bitfield naming no chunk, as a downloader that has stored nothing yet sends it. */
    private static final String HOLDS_NOTHING = HoldingsHeader.NAME + ": \r\n";

    @Test
    void aDownloaderThatHoldsNothingIsServedBeforeOneThatAskedEarlier() throws IOException {
        byte[] content = randomBytes(3 * CHUNK, 301);
        String location = published("empty-handed", content);

        try (Socket first = TurnSockets.connect(port, SLOW_READER_BUFFER); Socket holder = TurnSockets.connect(port, 0);
                Socket newcomer = TurnSockets.connect(port, SLOW_READER_BUFFER)) {
            get(first, location + "/chunks/0", "");
            BufferedInputStream firstIn = begun(first);
            get(holder, location + "/chunks/1", HOLDS_CHUNK_0);
            quiet(holder, "the holder waits while chunk 0 is on its way");
            get(newcomer, location + "/chunks/2", HOLDS_NOTHING);
            quiet(newcomer, "so does the newcomer");

            assertThat(body(firstIn)).isEqualTo(Arrays.copyOfRange(content, 0, CHUNK));
            BufferedInputStream newcomerIn = begun(newcomer);
            quiet(holder, "the newcomer's chunk goes first, though it was asked for later");
            assertThat(body(newcomerIn)).isEqualTo(Arrays.copyOfRange(content, 2 * CHUNK, 3 * CHUNK));
            assertThat(body(holder.getInputStream())).isEqualTo(Arrays.copyOfRange(content, CHUNK, 2 * CHUNK));
        }
    }
}
