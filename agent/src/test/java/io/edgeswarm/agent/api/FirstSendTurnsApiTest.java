package io.edgeswarm.agent.api;

import static io.edgeswarm.agent.TestBytes.randomBytes;
import static io.edgeswarm.agent.api.TurnSockets.SLOW_READER_BUFFER;
import static io.edgeswarm.agent.api.TurnSockets.begun;
import static io.edgeswarm.agent.api.TurnSockets.body;
import static io.edgeswarm.agent.api.TurnSockets.get;
import static io.edgeswarm.agent.api.TurnSockets.quiet;
import static org.assertj.core.api.Assertions.assertThat;

import io.edgeswarm.agent.swarm.SwarmHeaders;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.Socket;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * An origin sends its first copies of chunks one after another: while a downloader is still taking in the first
 * chunk, a second downloader's first chunk waits, and it follows once the first is out. Waiting holds no upload slot
 * (there is one here), and beyond the queue a first send is refused as busy and its chunk stays unsent. A first send
 * to another zone takes no turn: it holds the upload slot, as any other chunk.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"edgeswarm.transfer.chunk-size=4MB", "edgeswarm.transfer.first-send-streams=1",
                "edgeswarm.transfer.first-send-queue=1", "edgeswarm.transfer.upload-slots=1",
                "edgeswarm.gossip.port=0"})
class FirstSendTurnsApiTest extends RunningAgentTest {

    private static final int CHUNK = 4 * 1024 * 1024;
    /** The agent's zone is the default one. */
    private static final String OWN_ZONE = SwarmHeaders.REQUESTER_ZONE + ": default\r\n";
    private static final String OTHER_ZONE = SwarmHeaders.REQUESTER_ZONE + ": elsewhere\r\n";

    @Test
    void aSecondFirstSendWaitsUntilTheFirstIsOut() throws IOException {
        byte[] content = randomBytes(3 * CHUNK, 300);
        String location = published("turns", content);

        try (Socket slow = TurnSockets.connect(port, SLOW_READER_BUFFER); Socket next = TurnSockets.connect(port, 0);
                Socket third = TurnSockets.connect(port, 0)) {
            get(slow, location + "/chunks/0", "");
            // Its answer has begun before the second request is made.
            BufferedInputStream slowIn = begun(slow);
            get(next, location + "/chunks/1", "");

            quiet(next, "chunk 1 is not sent while chunk 0 is on its way");
            get(third, location + "/chunks/2", "");
            RawHttp.Response refused = RawHttp.read(third.getInputStream());
            assertThat(refused.status()).as("one first send waits already").isEqualTo(503);
            assertThat(refused.headers()).containsEntry("retry-after", "1");

            assertThat(body(slowIn)).isEqualTo(Arrays.copyOfRange(content, 0, CHUNK));
            assertThat(body(next.getInputStream())).isEqualTo(Arrays.copyOfRange(content, CHUNK, 2 * CHUNK));
        }
        try (Socket again = TurnSockets.connect(port, 0)) {
            get(again, location + "/chunks/2", "");
            assertThat(body(again.getInputStream())).as("the refused chunk was put back, so it is sent, not 409")
                    .isEqualTo(Arrays.copyOfRange(content, 2 * CHUNK, 3 * CHUNK));
        }
    }

    @Test
    void aFirstSendToAnotherZoneHoldsTheUploadSlotInsteadOfWaitingForATurn() throws IOException {
        byte[] content = randomBytes(3 * CHUNK, 301);
        String location = published("other-zone", content);

        try (Socket slow = TurnSockets.connect(port, SLOW_READER_BUFFER);
                Socket slowRemote = TurnSockets.connect(port, SLOW_READER_BUFFER);
                Socket remote = TurnSockets.connect(port, 0)) {
            get(slow, location + "/chunks/0", OWN_ZONE);
            BufferedInputStream slowIn = begun(slow);

            get(slowRemote, location + "/chunks/1", OTHER_ZONE);
            BufferedInputStream slowRemoteIn = begun(slowRemote); // while the only turn is held
            get(remote, location + "/chunks/2", OTHER_ZONE);
            RawHttp.Response refused = RawHttp.read(remote.getInputStream());
            assertThat(refused.status()).as("the upload slot is held, and the line for turns has room").isEqualTo(503);

            assertThat(body(slowIn)).isEqualTo(Arrays.copyOfRange(content, 0, CHUNK));
            assertThat(body(slowRemoteIn)).isEqualTo(Arrays.copyOfRange(content, CHUNK, 2 * CHUNK));
        }
    }
}
