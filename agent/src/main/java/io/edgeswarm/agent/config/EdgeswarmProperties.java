package io.edgeswarm.agent.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Everything an operator can set on an agent, under {@code edgeswarm.*}. Defaults live here and only here; the
 * README's configuration table mirrors this class.
 *
 * @param nodeId unique id of this agent in the swarm; blank means the host name
 * @param zone site or zone for locality-aware transfers
 * @param labels free-form labels that distribution selectors match
 * @param advertiseAddress address peers use to reach this agent; blank means the first non-loopback address
 * @param storage the chunk store
 * @param transfer chunking and rate limits
 * @param security who may change things
 */
@Validated
@ConfigurationProperties("edgeswarm")
public record EdgeswarmProperties(
        @DefaultValue("") String nodeId,
        @DefaultValue("default") @NotBlank String zone,
        Map<String, String> labels,
        @DefaultValue("") String advertiseAddress,
        @DefaultValue @Valid @NotNull Storage storage,
        @DefaultValue @Valid @NotNull Transfer transfer,
        @DefaultValue @Valid @NotNull Security security) {

    public EdgeswarmProperties {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /**
     * @param dir where artifacts, manifests and the name index live; must support atomic renames
     * @param maxBytes disk quota for artifact data; unset means only the file system limits it
     */
    public record Storage(@DefaultValue("./data") @NotNull Path dir, DataSize maxBytes) {
    }

    /**
     * @param chunkSize chunk size for newly published artifacts: 4 MiB keeps per-chunk overhead (a hash, a request)
     *     under 0.01% while letting 100 MiB artifacts spread over 25 chunks
     * @param maxUploadRate bytes per second this agent serves to peers; unset means unlimited
     * @param maxDownloadRate bytes per second this agent fetches from peers; unset means unlimited
     */
    public record Transfer(@DefaultValue("4MB") @NotNull DataSize chunkSize, DataSize maxUploadRate,
            DataSize maxDownloadRate) {

        /** Chunks below 64 KiB cost more in requests than they save; above 64 MiB one slow peer stalls a chunk. */
        public static final long MIN_CHUNK_SIZE = 64 * 1024;
        public static final long MAX_CHUNK_SIZE = 64 * 1024 * 1024;

        public Transfer {
            if (chunkSize != null && (chunkSize.toBytes() < MIN_CHUNK_SIZE || chunkSize.toBytes() > MAX_CHUNK_SIZE)) {
                throw new IllegalArgumentException("edgeswarm.transfer.chunk-size must be between 64KB and 64MB, got "
                        + chunkSize);
            }
        }
    }

    /** @param writeToken bearer token required to publish, delete, replicate and distribute; blank means open */
    public record Security(@DefaultValue("") String writeToken) {

        public boolean writeProtected() {
            return writeToken != null && !writeToken.isBlank();
        }

        @Override
        public String toString() {
            return "Security[writeToken=" + (writeProtected() ? "<set>" : "<none>") + "]";
        }
    }
}
