package io.edgeswarm.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class TransferPropertiesTest {

    @Test
    void theReceiveBatchDefaultsTo64KiB() {
        assertThat(bind(Map.of()).transfer().receiveBatch().toBytes()).isEqualTo(64 * 1024);
        assertThat(bind(Map.of("edgeswarm.transfer.receive-batch", "0")).transfer().receiveBatch().toBytes())
                .isZero();
    }

    @Test
    void aReceiveBatchAboveOneMegabyteIsRefusedByName() {
        assertThatThrownBy(() -> bind(Map.of("edgeswarm.transfer.receive-batch", "2MB")))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessageContaining("edgeswarm.transfer.receive-batch must be between 0 and 1MB");
    }

    private static EdgeswarmProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("edgeswarm", EdgeswarmProperties.class);
    }
}
