package io.edgeswarm.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgeswarm.agent.config.EdgeswarmProperties;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/** The congestion control a real server's accepted connections get, read back from the kernel on each connection. */
class ServerCongestionControlTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void acceptedConnectionsUseTheNamedCongestionControl() throws Exception {
        // Reno is always built in and always allowed; should a kernel default to it, CUBIC tells the two apart.
        String chosen = kernelDefault().equals("reno") ? "cubic" : "reno";
        assertThat(congestionControlSeenByTheServer(chosen)).isEqualTo(chosen);
    }

    @Test
    void withoutANameConnectionsKeepTheKernelsDefault() throws Exception {
        assertThat(congestionControlSeenByTheServer("")).isEqualTo(kernelDefault());
    }

    @Test
    void aNameTheKernelDoesNotKnowStopsTheStartWithTheReason() {
        assertThatThrownBy(() -> new ServerCongestionControl(properties("nosuch-cc")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("edgeswarm.transfer.congestion-control=nosuch-cc: the kernel refused it")
                .hasMessageContaining("tcp_available_congestion_control");
    }

    /** Serves one request whose answer is the congestion control of the connection it came on. */
    private static String congestionControlSeenByTheServer(String chosen) throws Exception {
        ServerCongestionControl congestion = new ServerCongestionControl(properties(chosen));
        DisposableServer server = congestion.apply(HttpServer.create().host("127.0.0.1").port(0))
                .handle((request, response) -> {
                    StringBuilder name = new StringBuilder();
                    request.withConnection(connection -> name.append(
                            decode(connection.channel().config().getOption(CongestionControl.OPTION))));
                    return response.sendString(Mono.fromSupplier(name::toString));
                })
                .bindNow(TIMEOUT);
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
            HttpResponse<String> reply = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/")).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(reply.statusCode()).isEqualTo(200);
            return reply.body();
        } finally {
            server.disposeNow(TIMEOUT);
        }
    }

    /** The kernel fills the name with NULs up to its maximum length. */
    private static String decode(ByteBuffer name) {
        byte[] bytes = new byte[name.remaining()];
        name.get(bytes);
        return new String(bytes, StandardCharsets.US_ASCII).replace("\0", "");
    }

    private static String kernelDefault() throws IOException {
        return Files.readString(Path.of("/proc/sys/net/ipv4/tcp_congestion_control")).strip();
    }

    private static EdgeswarmProperties properties(String congestionControl) {
        return new Binder(new MapConfigurationPropertySource(
                Map.of("edgeswarm.transfer.congestion-control", congestionControl)))
                .bindOrCreate("edgeswarm", EdgeswarmProperties.class);
    }
}
