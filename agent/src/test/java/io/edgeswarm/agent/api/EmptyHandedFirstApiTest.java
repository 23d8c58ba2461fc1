package io.edgeswarm.agent.api;

import static io.edgeswarm.agent.TestBytes.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgeswarm.agent.swarm.HoldingsHeader;
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
 * In the origin's line of first sends, a downloader whose bitfield names no chunk goes ahead of one that holds some,
 * though it asked later: a late starter then has something to pass on as soon as the others do.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"edgeswarm.transfer.chunk-size=4MB", "edgeswarm.transfer.first-send-streams=1",
                "edgeswarm.transfer.first-send-queue=2", "edgeswarm.transfer.upload-slots=1",
                "edgeswarm.gossip.port=0"})
class EmptyHandedFirstApiTest extends RunningAgentTest {

    private static final int CHUNK = 4 * 1024 * 1024;
    /** A slow reader's receive buffer: far less than a chunk, so its chunk cannot be sent while it does not read. */
    private static final int SLOW_READER_BUFFER = 16 * 1024;
    private static final int QUIET_MS = 1_500;
    private static final int ANSWER_MS = 10_000;
    /** Base64 of one byte with its lowest bit set: a bitfield naming chunk 0. */
    private static final String HOLDS_CHUNK_0 = "AQ==";

    @Test
    void aDownloaderThatHoldsNothingIsServedBeforeOneThatAskedEarlier() throws IOException {
        byte[] content = randomBytes(3 * CHUNK, 301);
        String location = published("empty-handed", content);

        try (Socket first = connect(SLOW_READER_BUFFER); Socket holder = connect(0);
                Socket newcomer = connect(SLOW_READER_BUFFER)) {
            send(first, location + "/chunks/0", null);
            BufferedInputStream firstIn = begun(first);
            send(holder, location + "/chunks/1", HOLDS_CHUNK_0);
            quiet(holder, "the holder waits while chunk 0 is on its way");
            send(newcomer, location + "/chunks/2", "");
            quiet(newcomer, "so does the newcomer");

            assertThat(body(firstIn)).isEqualTo(Arrays.copyOfRange(content, 0, CHUNK));
            BufferedInputStream newcomerIn = begun(newcomer);
            quiet(holder, "the newcomer's chunk goes first, though it was asked for later");
            assertThat(body(newcomerIn)).isEqualTo(Arrays.copyOfRange(content, 2 * CHUNK, 3 * CHUNK));
            holder.setSoTimeout(ANSWER_MS);
            assertThat(body(holder.getInputStream())).isEqualTo(Arrays.copyOfRange(content, CHUNK, 2 * CHUNK));
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

    /** Waits until the answer has begun: a byte peeked, not taken. */
    private static BufferedInputStream begun(Socket socket) throws IOException {
        BufferedInputStream in = new BufferedInputStream(socket.getInputStream());
        in.mark(1);
        assertThat(in.read()).isNotNegative();
        in.reset();
        return in;
    }

    private static void quiet(Socket socket, String why) throws IOException {
        socket.setSoTimeout(QUIET_MS);
        assertThatThrownBy(() -> socket.getInputStream().read()).as(why).isInstanceOf(SocketTimeoutException.class);
        socket.setSoTimeout(ANSWER_MS);
    }

    private static void send(Socket socket, String path, String holdings) throws IOException {
        String header = holdings == null ? "" : HoldingsHeader.NAME + ": " + holdings + "\r\n";
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + header
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    private static byte[] body(InputStream in) throws IOException {
        RawHttp.Response response = RawHttp.read(in);
        assertThat(response.status()).isEqualTo(200);
        return response.body();
    }
}
