package io.edgeswarm.agent.api;

import static io.edgeswarm.agent.TestBytes.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A connection that carries an origin's first send in turns switches to {@code first-send-congestion-control}; one
 * that carries none keeps the kernel's default. The kernel's own account of each server-side socket ({@code ss})
 * says which congestion control it runs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"edgeswarm.transfer.chunk-size=1MB", "edgeswarm.transfer.first-send-streams=1",
                "edgeswarm.gossip.port=0"})
class FirstSendCongestionApiTest extends RunningAgentTest {

    private static final int CHUNK = 1024 * 1024;
    private static final int ANSWER_MS = 10_000;
    private static final long SS_SECONDS = 10;

    @DynamicPropertySource
    static void congestion(DynamicPropertyRegistry registry) {
        registry.add("edgeswarm.transfer.first-send-congestion-control", FirstSendCongestionApiTest::chosen);
    }

    @Test
    void aConnectionCarryingAFirstSendSwitchesAndAnotherKeepsTheDefault() throws Exception {
        byte[] content = randomBytes(2 * CHUNK, 301);

        Seen seen = firstSendAndHead(port, published("congestion", content), content);

        assertThat(seen.firstSend()).isEqualTo(chosen());
        assertThat(seen.headOnly()).isEqualTo(kernelDefault());
    }

    /** The congestion control of the server's end of a connection that carried a first send, and of one that did not. */
    record Seen(String firstSend, String headOnly) {
    }

    /**
     * GETs the first of the artifact's two chunks, an origin's first send, on one connection and HEADs the second on
     * another, both kept open, then asks the kernel which congestion control the server's end of each runs.
     */
    static Seen firstSendAndHead(int port, String location, byte[] content) throws Exception {
        int chunk = content.length / 2;
        try (Socket firstSend = open(port); Socket headOnly = open(port)) {
            request(firstSend, "GET", location + "/chunks/0");
            assertThat(answer(firstSend.getInputStream(), true)).isEqualTo(Arrays.copyOfRange(content, 0, chunk));
            request(headOnly, "HEAD", location + "/chunks/1");
            assertThat(answer(headOnly.getInputStream(), false)).isEmpty();
            return new Seen(serverSideCongestionControl(port, firstSend), serverSideCongestionControl(port, headOnly));
        }
    }

    /** Reno is always built in and always allowed; should the kernel default to it, CUBIC tells the two apart. */
    private static String chosen() {
        return kernelDefault().equals("reno") ? "cubic" : "reno";
    }

    static String kernelDefault() {
        try {
            return Files.readString(Path.of("/proc/sys/net/ipv4/tcp_congestion_control")).strip();
        } catch (IOException e) {
            throw new IllegalStateException("this test needs Linux's /proc/sys/net/ipv4", e);
        }
    }

    private static Socket open(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), ANSWER_MS);
        socket.setSoTimeout(ANSWER_MS);
        return socket;
    }

    /** Keep-alive, so the server's side of the connection is still there to be looked at afterwards. */
    private static void request(Socket socket, String method, String path) throws IOException {
        socket.getOutputStream().write((method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /**
     * A 200 answer's body, read by its Content-Length so the connection stays open; a HEAD answer announces a length
     * but carries no body.
     */
    private static byte[] answer(InputStream in, boolean withBody) throws IOException {
        String status = line(in);
        assertThat(status).startsWith("HTTP/1.1 200");
        int length = 0;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(header.substring(header.indexOf(':') + 1).strip());
            }
        }
        return withBody ? in.readNBytes(length) : new byte[0];
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            line.append((char) b);
        }
        return line.toString().strip();
    }

    /** The first word of the detail line {@code ss -ti} prints for the server's end of this client's connection. */
    private static String serverSideCongestionControl(int port, Socket client) throws Exception {
        Process ss = new ProcessBuilder("ss", "-tinH", "state", "established",
                "( sport = :" + port + " and dport = :" + client.getLocalPort() + " )")
                .redirectErrorStream(true).start();
        assertThat(ss.waitFor(SS_SECONDS, TimeUnit.SECONDS)).as("ss answers").isTrue();
        String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ss.exitValue()).as(out).isZero();
        String[] lines = out.strip().split("\n");
        assertThat(lines).as("one socket, described on a second line: " + out).hasSize(2);
        return lines[1].strip().split("\\s+")[0];
    }
}
