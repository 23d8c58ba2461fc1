package io.edgeswarm.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Plain sockets for watching an origin's first sends take turns: a slow reader (a receive buffer far below a chunk)
 * holds its turn until it reads, and a socket that gets no byte within {@link #QUIET_MS} is still waiting for its own.
 */
final class TurnSockets {

    /** A slow reader's receive buffer: far less than a chunk, so its chunk cannot be sent while it does not read. */
    static final int SLOW_READER_BUFFER = 16 * 1024;
    static final int QUIET_MS = 1_500;
    static final int ANSWER_MS = 10_000;

    private TurnSockets() {
    }

    /** A connection to the agent; {@code receiveBuffer} 0 keeps the default. */
    static Socket connect(int port, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer); // before connecting, so the window is small from the start
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), ANSWER_MS);
        socket.setSoTimeout(ANSWER_MS);
        return socket;
    }

    /** A GET of {@code path}; {@code headers} are whole header lines, each ending in CRLF. */
    static void get(Socket socket, String path, String headers) throws IOException {
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + headers
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** Waits until the answer has begun: a byte peeked, not taken. */
    static BufferedInputStream begun(Socket socket) throws IOException {
        BufferedInputStream in = new BufferedInputStream(socket.getInputStream());
        in.mark(1);
        assertThat(in.read()).isNotNegative();
        in.reset();
        return in;
    }

    /** Asserts that no byte of an answer arrives within {@link #QUIET_MS}. */
    static void quiet(Socket socket, String why) throws IOException {
        socket.setSoTimeout(QUIET_MS);
        assertThatThrownBy(() -> socket.getInputStream().read()).as(why).isInstanceOf(SocketTimeoutException.class);
        socket.setSoTimeout(ANSWER_MS);
    }

    /** The body of a 200 answer. */
    static byte[] body(InputStream in) throws IOException {
        RawHttp.Response response = RawHttp.read(in);
        assertThat(response.status()).isEqualTo(200);
        return response.body();
    }
}
