package io.edgeswarm.agent.api;

import static io.edgeswarm.agent.TestBytes.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * An origin sends its first copies of chunks one after another: while a downloader is still taking in the first
 * chunk, a second downloader's first chunk waits, and it follows once the first is out. Waiting holds no upload slot
 * (there is one here), and beyond the queue a first send is refused as busy and its chunk stays unsent.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"edgeswarm.transfer.chunk-size=4MB", "edgeswarm.transfer.first-send-streams=1",
                "edgeswarm.transfer.first-send-queue=1", "edgeswarm.transfer.upload-slots=1",
                "edgeswarm.gossip.port=0"})
class FirstSendTurnsApiTest extends RunningAgentTest {

    private static final int CHUNK = 4 * 1024 * 1024;
    /** A slow reader's receive buffer: far less than a chunk, so its chunk cannot be sent while it does not read. */
    private static final int SLOW_READER_BUFFER = 16 * 1024;
    private static final int QUIET_MS = 1_500;
    private static final int ANSWER_MS = 10_000;

    @Test
    void aSecondFirstSendWaitsUntilTheFirstIsOut() throws IOException {
        byte[] content = randomBytes(3 * CHUNK, 300);
        String location = published("turns", content);

        try (Socket slow = connect(SLOW_READER_BUFFER); Socket next = connect(0); Socket third = connect(0)) {
            send(slow, location + "/chunks/0");
            // Its answer has begun (a byte peeked, not taken) before the second request is made.
            BufferedInputStream slowIn = new BufferedInputStream(slow.getInputStream());
            slowIn.mark(1);
            assertThat(slowIn.read()).isNotNegative();
            slowIn.reset();
            send(next, location + "/chunks/1");

            next.setSoTimeout(QUIET_MS);
            assertThatThrownBy(() -> next.getInputStream().read())
                    .as("chunk 1 is not sent while chunk 0 is on its way").isInstanceOf(SocketTimeoutException.class);
            send(third, location + "/chunks/2");
            RawHttp.Response refused = RawHttp.read(third.getInputStream());
            assertThat(refused.status()).as("one first send waits already").isEqualTo(503);
            assertThat(refused.headers()).containsEntry("retry-after", "1");

            assertThat(body(slowIn)).isEqualTo(Arrays.copyOfRange(content, 0, CHUNK));
            next.setSoTimeout(ANSWER_MS);
            assertThat(body(next.getInputStream())).isEqualTo(Arrays.copyOfRange(content, CHUNK, 2 * CHUNK));
        }
        try (Socket again = connect(0)) {
            send(again, location + "/chunks/2");
            assertThat(body(again.getInputStream())).as("the refused chunk was put back, so it is sent, not 409")
                    .isEqualTo(Arrays.copyOfRange(content, 2 * CHUNK, 3 * CHUNK));
        }
    }

    private Socket connect(int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer); // before connecting, so the window is small from the start
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), ANSWER_MS);
        socket.setSoTimeout(ANSWER_MS);
        return socket;
    }

    private static void send(Socket socket, String path) throws IOException {
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    private static byte[] body(InputStream in) throws IOException {
        RawHttp.Response response = RawHttp.read(in);
        assertThat(response.status()).isEqualTo(200);
        return response.body();
    }
}
