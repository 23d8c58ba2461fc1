package io.edgeswarm.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class TransferPropertiesTest {

    @Test
    void theReceiveBatchDefaultsTo256KiB() {
        assertThat(bind(Map.of()).transfer().receiveBatch().toBytes()).isEqualTo(256 * 1024);
        assertThat(bind(Map.of("edgeswarm.transfer.receive-batch", "0")).transfer().receiveBatch().toBytes())
                .isZero();
    }

    @Test
    void aReceiveBatchAboveOneMegabyteIsRefusedByName() {
        assertThatThrownBy(() -> bind(Map.of("edgeswarm.transfer.receive-batch", "2MB")))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessageContaining("edgeswarm.transfer.receive-batch must be between 0 and 1MB");
    }

    @Test
    void firstSendsGoOutAllAtOnceUnlessAskedAndTheSendLowWaterDefaultsTo256KiB() {
        EdgeswarmProperties.Transfer defaults = bind(Map.of()).transfer();
        assertThat(defaults.firstSendStreams()).isZero();
        assertThat(defaults.sendLowWater().toBytes()).isEqualTo(256 * 1024);
        assertThat(defaults.firstSendQueue()).isEqualTo(64);
        assertThat(bind(Map.of("edgeswarm.transfer.first-send-streams", "6")).transfer().firstSendStreams())
                .isEqualTo(6);
    }

    @Test
    void aSendLowWaterAbove16MegabytesIsRefusedByName() {
        assertThatThrownBy(() -> bind(Map.of("edgeswarm.transfer.send-low-water", "32MB")))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessageContaining("edgeswarm.transfer.send-low-water must be between 0 and 16MB");
    }

    @Test
    void holdingsPollsDefaultTo16AndMustBePositive() {
        assertThat(bind(Map.of()).transfer().holdingsPolls()).isEqualTo(16);
        assertThat(bind(Map.of("edgeswarm.transfer.holdings-polls", "4")).transfer().holdingsPolls()).isEqualTo(4);
        assertThatThrownBy(() -> bind(Map.of("edgeswarm.transfer.holdings-polls", "0")))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessageContaining("edgeswarm.transfer.holdings-polls must be at least 1, got 0");
    }

    @Test
    void pollsWaitForNewsUpToTwoSecondsAtMostTenAndAFewHundredAtOnce() {
        EdgeswarmProperties.Transfer defaults = bind(Map.of()).transfer();
        assertThat(defaults.holdingsWait()).isEqualTo(Duration.ofSeconds(2));
        assertThat(defaults.holdingsWaiters()).isEqualTo(256);
        assertThat(bind(Map.of("edgeswarm.transfer.holdings-wait", "0s")).transfer().holdingsWait()).isZero();
        assertThatThrownBy(() -> bind(Map.of("edgeswarm.transfer.holdings-wait", "11s")))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessageContaining("edgeswarm.transfer.holdings-wait must be between 0s and 10s");
        assertThatThrownBy(() -> bind(Map.of("edgeswarm.transfer.holdings-waiters", "-1")))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessageContaining("edgeswarm.transfer.holdings-waiters must be 0 or more, got -1");
    }

    @Test
    void noticesGoOutEvery100MillisecondsAtMostUnlessTurnedOffAndNeverLessOftenThanASecond() {
        assertThat(bind(Map.of()).transfer().holdingsNoticeInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(bind(Map.of("edgeswarm.transfer.holdings-notice-interval", "0s")).transfer()
                .holdingsNoticeInterval()).isZero();
        assertThatThrownBy(() -> bind(Map.of("edgeswarm.transfer.holdings-notice-interval", "2s")))
                .isInstanceOf(BindException.class)
                .rootCause()
                .hasMessageContaining("edgeswarm.transfer.holdings-notice-interval must be between 0s and 1s");
        assertThatThrownBy(() -> bind(Map.of("edgeswarm.transfer.holdings-notice-interval", "-1ms")))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessageContaining("holdings-notice-interval");
    }

    @Test
    void aLaggingDownloadMayAskForFourMoreChunksUnlessTurnedOff() {
        assertThat(bind(Map.of()).transfer().catchUpRequests()).isEqualTo(4);
        assertThat(bind(Map.of("edgeswarm.transfer.catch-up-requests", "0")).transfer().catchUpRequests()).isZero();
        assertThatThrownBy(() -> bind(Map.of("edgeswarm.transfer.catch-up-requests", "-1")))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessageContaining("edgeswarm.transfer.catch-up-requests must be 0 or more, got -1");
    }

    @Test
    void theCongestionControlIsTheKernelsUnlessNamedAndANameMustLookLikeOne() {
        assertThat(bind(Map.of()).transfer().congestionControl()).isEmpty();
        assertThat(bind(Map.of("edgeswarm.transfer.congestion-control", " cubic ")).transfer().congestionControl())
                .isEqualTo("cubic");
        assertThatThrownBy(() -> bind(Map.of("edgeswarm.transfer.congestion-control", "cubic;reno")))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessageContaining("edgeswarm.transfer.congestion-control must be a kernel congestion "
                        + "control's name").hasMessageContaining("'cubic;reno'");
        assertThatThrownBy(() -> bind(Map.of("edgeswarm.transfer.congestion-control", "a-name-of-16-chr")))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessageContaining("15 at most");
    }

    @Test
    void aFirstSendsCongestionControlIsAutoUnlessOneIsNamedOrItIsBlank() {
        assertThat(bind(Map.of()).transfer().firstSendCongestionControl()).isEqualTo("auto");
        assertThat(bind(Map.of("edgeswarm.transfer.first-send-congestion-control", "")).transfer()
                .firstSendCongestionControl()).isEmpty();
        assertThat(bind(Map.of("edgeswarm.transfer.first-send-congestion-control", "cubic")).transfer()
                .firstSendCongestionControl()).isEqualTo("cubic");
        assertThatThrownBy(() -> bind(Map.of("edgeswarm.transfer.first-send-congestion-control", "cubic reno")))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessageContaining("edgeswarm.transfer.first-send-congestion-control must be a kernel "
                        + "congestion control's name").hasMessageContaining("'cubic reno'");
    }

    private static EdgeswarmProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("edgeswarm", EdgeswarmProperties.class);
    }
}
