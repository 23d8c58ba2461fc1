package io.edgeswarm.agent.api;

import static io.edgeswarm.agent.TestBytes.randomBytes;
import static io.edgeswarm.agent.api.CongestionControlTest.available;
import static io.edgeswarm.agent.api.FirstSendCongestionApiTest.firstSendAndHead;
import static io.edgeswarm.agent.api.FirstSendCongestionApiTest.kernelDefault;
import static org.assertj.core.api.Assertions.assertThat;

import io.edgeswarm.agent.api.FirstSendCongestionApiTest.Seen;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * With {@code first-send-streams} alone set, an origin's first sends take turns each on CUBIC where the kernel has it
 * ({@code first-send-congestion-control=auto}, the default); a connection that carries no first send keeps the
 * kernel's default.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"edgeswarm.transfer.chunk-size=1MB", "edgeswarm.transfer.first-send-streams=6",
                "edgeswarm.gossip.port=0"})
class FirstSendAutoCongestionApiTest extends RunningAgentTest {

    private static final int CHUNK = 1024 * 1024;

    @Test
    void aFirstSendTakesItsTurnOnCubicWhereTheKernelHasIt() throws Exception {
        byte[] content = randomBytes(2 * CHUNK, 302);

        Seen seen = firstSendAndHead(port, published("auto-congestion", content), content);

        String expected = available().contains(CongestionControl.AUTO_FIRST_SEND_CHOICE)
                ? CongestionControl.AUTO_FIRST_SEND_CHOICE : kernelDefault();
        assertThat(seen.firstSend()).isEqualTo(expected);
        assertThat(seen.headOnly()).isEqualTo(kernelDefault());
    }
}
