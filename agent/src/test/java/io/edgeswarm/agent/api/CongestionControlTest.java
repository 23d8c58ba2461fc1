package io.edgeswarm.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A congestion control named on purpose stops the agent where the kernel refuses it; the default for an origin's first
 * sends ({@code auto}) falls back to each connection's own, saying why. The kernel itself is asked each time.
 */
@ExtendWith(OutputCaptureExtension.class)
class CongestionControlTest {

    private static final String SETTING = "first-send-congestion-control";

    @Test
    void autoWithTurnsTakesCubicWhereTheKernelHasItAndChangesNothingElsewhere() throws IOException {
        CongestionControl chosen = CongestionControl.forFirstSends("auto", true);

        boolean hasCubic = available().contains(CongestionControl.AUTO_FIRST_SEND_CHOICE);
        assertThat(chosen.set()).isEqualTo(hasCubic);
        assertThat(chosen.name()).isEqualTo(hasCubic ? CongestionControl.AUTO_FIRST_SEND_CHOICE : "");
    }

    @Test
    void autoWithoutTurnsChangesNothing() {
        assertThat(CongestionControl.forFirstSends("auto", false).set()).isFalse();
    }

    @Test
    void aPreferredNameTheKernelRefusesChangesNothingAndSaysWhy(CapturedOutput output) {
        CongestionControl chosen = CongestionControl.preferred("nosuch-cc", SETTING);

        assertThat(chosen.set()).isFalse();
        assertThat(output.getAll()).contains("WARN")
                .contains("edgeswarm.transfer.first-send-congestion-control=nosuch-cc: the kernel refused it")
                .contains("edgeswarm.transfer.first-send-congestion-control=auto keeps each connection's own");
    }

    @Test
    void aNameSetOnPurposeThatTheKernelRefusesStillStopsTheStart() {
        assertThatThrownBy(() -> CongestionControl.forFirstSends("nosuch-cc", true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("edgeswarm.transfer.first-send-congestion-control=nosuch-cc: the kernel refused");
    }

    @Test
    void blankChangesNothing() {
        assertThat(CongestionControl.forFirstSends("", true).set()).isFalse();
    }

    /** The congestion controls this kernel has ({@code tcp_available_congestion_control}). */
    static List<String> available() throws IOException {
        return List.of(Files.readString(Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control")).strip()
                .split("\\s+"));
    }
}
