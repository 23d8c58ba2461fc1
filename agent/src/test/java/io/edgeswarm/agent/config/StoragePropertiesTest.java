package io.edgeswarm.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class StoragePropertiesTest {

    @Test
    void chunksAreSyncedEverySecondByDefault() {
        assertThat(bind(Map.of()).storage().syncInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(bind(Map.of("edgeswarm.storage.sync-interval", "250ms")).storage().syncInterval())
                .isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void aSyncIntervalOfZeroOrAboveAMinuteIsRefusedByName() {
        for (String interval : new String[] {"0s", "2m"}) {
            assertThatThrownBy(() -> bind(Map.of("edgeswarm.storage.sync-interval", interval)))
                    .isInstanceOf(BindException.class)
                    .rootCause().hasMessageContaining("edgeswarm.storage.sync-interval must be between 1ms and 1m");
        }
    }

    private static EdgeswarmProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("edgeswarm", EdgeswarmProperties.class);
    }
}
