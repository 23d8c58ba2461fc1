package io.edgeswarm.agent.storage;

import io.edgeswarm.agent.config.EdgeswarmProperties;
import io.edgeswarm.agent.security.Signing;
import java.io.IOException;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.scheduler.Schedulers;

/** Opens the store at start-up, so a damaged store is repaired (or reported) before any request is taken. */
@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

    @Bean
    ArtifactStore artifactStore(EdgeswarmProperties properties, Clock clock, Signing signing) throws IOException {
        var storage = properties.storage();
        long quota = storage.maxBytes() == null ? 0 : storage.maxBytes().toBytes();
        var transfer = properties.transfer();
        int chunkSize = (int) transfer.chunkSize().toBytes();
        ChunkSizing sizing = transfer.chunkSizing() == EdgeswarmProperties.ChunkSizingMode.AUTO
                ? ChunkSizing.auto(chunkSize) : ChunkSizing.fixed(chunkSize);
        return new ArtifactStore(storage.dir(), sizing, quota, clock,
                Schedulers.boundedElastic(), signing.publishSigner(), storage.syncInterval()).open();
    }
}
