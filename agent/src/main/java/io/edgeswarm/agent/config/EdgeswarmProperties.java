package io.edgeswarm.agent.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
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
 * @param gossip membership protocol: where it listens, whom it joins, its key and timing
 * @param transfer chunking and rate limits
 * @param security who may change things
 * @param kubernetes what an agent learns from the cluster it runs in
 * @param limits how much the HTTP server takes from any client
 */
@Validated
@ConfigurationProperties("edgeswarm")
public record EdgeswarmProperties(
        @DefaultValue("") String nodeId,
        @DefaultValue("default") @NotBlank String zone,
        Map<String, String> labels,
        @DefaultValue("") String advertiseAddress,
        @DefaultValue @Valid @NotNull Storage storage,
        @DefaultValue @Valid @NotNull Gossip gossip,
        @DefaultValue @Valid @NotNull Transfer transfer,
        @DefaultValue @Valid @NotNull Security security,
        @DefaultValue @Valid @NotNull Kubernetes kubernetes,
        @DefaultValue @Valid @NotNull Limits limits) {

    public EdgeswarmProperties {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /**
     * Bounds on what one client can hold of the HTTP server. Request headers are capped by Spring Boot's
     * {@code server.max-http-request-header-size} (8 KB) and JSON bodies by {@code spring.http.codecs.max-in-memory-size}
     * (256 KB); a publish body is bounded only by the store's quota and free space.
     *
     * @param maxConnections open HTTP connections at once; further ones are closed as they arrive. Peers keep idle
     *     connections to popular holders in their pools, so this must leave room for a few per member
     * @param idleTimeout a kept-alive connection with no request for this long is closed
     * @param readTimeout a publish whose body stops arriving for this long is abandoned with 408, leaving nothing
     */
    public record Limits(
            @DefaultValue("4096") @jakarta.validation.constraints.Min(1) int maxConnections,
            @DefaultValue("60s") @NotNull Duration idleTimeout,
            @DefaultValue("30s") @NotNull Duration readTimeout) {
    }

    /**
     * In Kubernetes the zone usually lives on the node ({@code topology.kubernetes.io/zone}), which a pod cannot see
     * through the downward API; the agent asks the API server for its own node once at start.
     *
     * @param zoneNodeLabel node label holding the zone; blank means use {@code edgeswarm.zone}
     * @param nodeName this pod's node; the Helm chart passes it from {@code spec.nodeName}
     * @param apiUrl the API server as seen from a pod
     * @param serviceAccountDir where the pod's service account token and CA certificate are mounted
     * @param attempts how many times to ask before falling back to {@code edgeswarm.zone}
     * @param timeout per request
     */
    public record Kubernetes(
            @DefaultValue("") String zoneNodeLabel,
            @DefaultValue("") String nodeName,
            @DefaultValue("https://kubernetes.default.svc") @NotBlank String apiUrl,
            @DefaultValue("/var/run/secrets/kubernetes.io/serviceaccount") @NotNull Path serviceAccountDir,
            @DefaultValue("3") @jakarta.validation.constraints.Min(1) @jakarta.validation.constraints.Max(10)
            int attempts,
            @DefaultValue("5s") @NotNull Duration timeout) {
    }

    /**
     * @param dir where artifacts, manifests and the name index live; must support atomic renames
     * @param maxBytes disk quota for artifact data; unset means only the file system limits it
     * @param syncInterval how often chunks written into partial artifacts are fsynced, all at once; a power loss
     *     costs at most this long of refetching, a killed agent nothing
     */
    public record Storage(@DefaultValue("./data") @NotNull Path dir, DataSize maxBytes,
            @DefaultValue("1s") @NotNull Duration syncInterval) {

        public static final Duration MAX_SYNC_INTERVAL = Duration.ofMinutes(1);

        public Storage {
            if (syncInterval != null && (syncInterval.toMillis() < 1 || syncInterval.compareTo(MAX_SYNC_INTERVAL) > 0)) {
                throw new IllegalArgumentException("edgeswarm.storage.sync-interval must be between 1ms and 1m, got "
                        + syncInterval);
            }
        }
    }

    /**
     * Gossip membership (SWIM with Lifeguard). Timing defaults are memberlist's LAN profile; see the README for what
     * each trades off.
     *
     * @param port UDP port for the protocol and TCP port for full-state sync; 0 picks a free one (tests)
     * @param bindAddress local address to listen on
     * @param seeds {@code host:port} of members to join through; a DNS name stands for all its addresses
     * @param clusterKey shared secret; when set every packet is encrypted and authenticated (AES-256-GCM) and packets
     *     without it are dropped
     * @param previousKeys further secrets still accepted, so the key can rotate without downtime
     * @param probeInterval how often one member is probed
     * @param probeTimeout wait for a direct ack before asking others to probe
     * @param indirectChecks members asked to probe indirectly
     * @param suspicionMult minimum suspicion timeout = this x max(1, log10 N) x probe interval
     * @param suspicionMaxTimeoutMult the timeout starts at this x the minimum, shrinking with confirmations
     * @param retransmitMult each update is gossiped this x ceil(log10(N+1)) times
     * @param gossipInterval how often queued updates go out
     * @param gossipNodes members each gossip round goes to
     * @param pushPullInterval full-state sync with one random member (scaled up beyond 32 members)
     * @param gossipToTheDead dead members keep receiving gossip this long
     * @param deadReclaimTime dead and left members are forgotten after this
     * @param reconnectInterval how often a sync with one random dead member is tried, to heal partitions
     * @param lifeguard local-health awareness, nacks and suspicion confirmations
     * @param joinMaxAttempts join attempts through the seeds, with backoff from 1 s doubling to 30 s
     * @param leaveTimeout how long a stopping agent keeps gossiping its departure
     */
    public record Gossip(
            @DefaultValue("7946") int port,
            @DefaultValue("0.0.0.0") @NotBlank String bindAddress,
            List<String> seeds,
            @DefaultValue("") String clusterKey,
            List<String> previousKeys,
            @DefaultValue("1s") @NotNull Duration probeInterval,
            @DefaultValue("500ms") @NotNull Duration probeTimeout,
            @DefaultValue("3") int indirectChecks,
            @DefaultValue("4") int suspicionMult,
            @DefaultValue("6") int suspicionMaxTimeoutMult,
            @DefaultValue("4") int retransmitMult,
            @DefaultValue("200ms") @NotNull Duration gossipInterval,
            @DefaultValue("3") int gossipNodes,
            @DefaultValue("30s") @NotNull Duration pushPullInterval,
            @DefaultValue("30s") @NotNull Duration gossipToTheDead,
            @DefaultValue("60s") @NotNull Duration deadReclaimTime,
            @DefaultValue("10s") @NotNull Duration reconnectInterval,
            @DefaultValue("true") boolean lifeguard,
            @DefaultValue("60") int joinMaxAttempts,
            @DefaultValue("2s") @NotNull Duration leaveTimeout) {

        /** Secrets shorter than this are refused: the key is only as strong as the secret. */
        public static final int MIN_SECRET_LENGTH = 16;

        public Gossip {
            seeds = seeds == null ? List.of() : List.copyOf(seeds);
            previousKeys = previousKeys == null ? List.of() : List.copyOf(previousKeys);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("edgeswarm.gossip.port must be 0 to 65535, got " + port);
            }
            if (clusterKey != null && !clusterKey.isEmpty() && clusterKey.length() < MIN_SECRET_LENGTH) {
                throw new IllegalArgumentException("edgeswarm.gossip.cluster-key must be at least "
                        + MIN_SECRET_LENGTH + " characters");
            }
        }

        public boolean encrypted() {
            return clusterKey != null && !clusterKey.isEmpty();
        }

        @Override
        public String toString() {
            return "Gossip[port=" + port + ", seeds=" + seeds + ", encrypted=" + encrypted() + "]";
        }
    }

    /**
     * @param chunkSize chunk size for newly published artifacts; with {@code chunk-sizing=auto}, the largest size
     * @param chunkSizing {@code fixed}: every artifact gets {@code chunk-size}; {@code auto}: about 1024 chunks per
     *     artifact, from 512 KiB up to {@code chunk-size} (see {@code ChunkSizing})
     * @param maxUploadRate bytes per second this agent serves to peers; unset means unlimited
     * @param maxDownloadRate bytes per second this agent fetches from peers; unset means unlimited
     * @param uploadSlots chunks served to peers at once; beyond this peers get 503 and go elsewhere
     * @param requestsPerPeer chunk requests in flight to one peer
     * @param pipelineDepth chunk requests to one peer that share a connection, sent one after another without waiting
     *     for replies (HTTP/1.1 pipelining), so a pair's transfer is one busy stream; {@code 1} gives each request a
     *     connection of its own
     * @param requestsPerArtifact chunk requests in flight for one artifact (each holds one chunk in memory)
     * @param banDuration how long a peer that served a bad chunk is shunned
     * @param noSourceTimeout a download with no usable source for this long fails instead of waiting
     * @param crossZoneGrace a chunk assigned to another member of this zone for WAN fetch may be fetched across
     *     zones by anyone once the zone as a whole has gained no chunk for this long
     * @param chunkTimeout one chunk request may take this long before it is abandoned and re-asked elsewhere
     * @param receiveBatch bytes of a chunk body the kernel gathers before it wakes the agent to read them
     *     ({@code SO_RCVLOWAT}, Linux's native transport only); {@code 0} wakes on every packet
     * @param firstSendStreams an origin's first copies of chunks sent at once, the rest waiting their turn, so each
     *     arrives whole sooner and its receiver passes it on sooner; {@code 0} sends them all at once, each holding
     *     an upload slot
     * @param firstSendQueue with {@code first-send-streams} set, first sends that may wait for their turn, holding no
     *     upload slot; beyond this the origin refuses with 503
     * @param sendLowWater unsent bytes a connection carrying a first send may queue in the kernel
     *     ({@code TCP_NOTSENT_LOWAT}, Linux's native transport only), so the send counts as done, and the next one
     *     starts, once its bytes are on their way rather than merely queued; {@code 0} leaves the kernel's default
     * @param holdingsPolls peers whose bitfield one download polls per second at most, stalest first: bounds the
     *     polls a host answers however many members its zone has
     * @param holdingsWait how long a download's poll of a peer that holds nothing it lacks may wait for the peer to
     *     receive such a chunk before it is answered ({@link #MAX_HOLDINGS_WAIT} at most); {@code 0s} polls only
     * @param holdingsWaiters polls this agent holds open at once waiting for news of its holdings; beyond this a
     *     waiting poll is refused with 503 and the poller falls back to plain polls for a while; {@code 0} refuses
     *     every one
     * @param holdingsNoticeInterval how often, at most, a download tells up to {@code holdings-polls} peers fetching
     *     the same artifact which chunks it stored since its last notice (a datagram each on the gossip socket, as
     *     BitTorrent's HAVE): the first chunk after a quiet spell is told at once, the rest gathered for this long;
     *     {@code 0s} sends none, and peers then hear of new chunks through polls and requests only
     * @param catchUpRequests extra chunk requests in flight, at most, for a download that lags the other downloaders
     *     of its zone (one per half {@code requests-per-artifact} of chunks behind their mean), so the slowest member
     *     catches up instead of finishing last; {@code 0} turns it off
     * @param congestionControl the TCP congestion control of the connections this agent's HTTP server accepts, which
     *     carry what it sends in bulk (chunks to peers, artifacts to clients), e.g. {@code cubic}; Linux's native
     *     transport only; blank keeps the kernel's default ({@code net.ipv4.tcp_congestion_control})
     * @param firstSendCongestionControl with {@code first-send-streams} set, the TCP congestion control a connection
     *     switches to when it carries an origin's first send in turns, e.g. {@code cubic}: as a turn ends, the
     *     origin's other flows must grow into the rate it frees within a few round trips, which BBR does only at its
     *     next probe; {@value #AUTO_CONGESTION_CONTROL} takes CUBIC where the kernel allows it and keeps the
     *     connection's own otherwise, a name the kernel refuses stops the agent, blank keeps the connection's own
     */
    public record Transfer(@DefaultValue("4MB") @NotNull DataSize chunkSize,
            @DefaultValue("fixed") @NotNull ChunkSizingMode chunkSizing, DataSize maxUploadRate,
            DataSize maxDownloadRate,
            @DefaultValue("16") int uploadSlots,
            @DefaultValue("3") int requestsPerPeer,
            @DefaultValue("3") int pipelineDepth,
            @DefaultValue("12") int requestsPerArtifact,
            @DefaultValue("5m") @NotNull Duration banDuration,
            @DefaultValue("20s") @NotNull Duration noSourceTimeout,
            @DefaultValue("15s") @NotNull Duration crossZoneGrace,
            @DefaultValue("60s") @NotNull Duration chunkTimeout,
            @DefaultValue("256KB") @NotNull DataSize receiveBatch,
            @DefaultValue("0") @PositiveOrZero int firstSendStreams,
            @DefaultValue("64") @PositiveOrZero int firstSendQueue,
            @DefaultValue("256KB") @NotNull DataSize sendLowWater,
            @DefaultValue("16") int holdingsPolls,
            @DefaultValue("2s") @NotNull Duration holdingsWait,
            @DefaultValue("256") @PositiveOrZero int holdingsWaiters,
            @DefaultValue("100ms") @NotNull Duration holdingsNoticeInterval,
            @DefaultValue("4") int catchUpRequests,
            @DefaultValue("") String congestionControl,
            @DefaultValue(Transfer.AUTO_CONGESTION_CONTROL) String firstSendCongestionControl) {

        /** Chunks below 64 KiB cost more in requests than they save; above 64 MiB one slow peer stalls a chunk. */
        public static final long MIN_CHUNK_SIZE = 64 * 1024;
        public static final long MAX_CHUNK_SIZE = 64 * 1024 * 1024;
        /** A socket's receive buffer must hold the batch, and the kernel doubles it to twice the mark at most. */
        public static final long MAX_RECEIVE_BATCH = 1024 * 1024;
        /** Within what any chunk needs of a socket's send buffer; the kernel's own default is no limit. */
        public static final long MAX_SEND_LOW_WATER = 16 * 1024 * 1024;
        /** Longer waits would outlast the timeouts of proxies and of the poller's own small requests. */
        public static final Duration MAX_HOLDINGS_WAIT = Duration.ofSeconds(10);
        /** Past this a notice is older than the polls it is meant to beat (one a second). */
        public static final Duration MAX_HOLDINGS_NOTICE_INTERVAL = Duration.ofSeconds(1);
        /**
         * {@code first-send-congestion-control}'s default: CUBIC where the kernel allows it, else each connection's
         * own, so that {@code first-send-streams} alone turns on turns as measured. A default must not stop an agent
         * whose kernel lacks it, as a name set on purpose does.
         */
        public static final String AUTO_CONGESTION_CONTROL = "auto";
        /** A kernel name for a congestion control: letters, digits, '_' and '-', 15 at most ({@code TCP_CA_NAME_MAX}). */
        private static final Pattern CONGESTION_CONTROL_NAME = Pattern.compile("[A-Za-z0-9_-]{1,15}");

        public Transfer {
            if (chunkSize != null && (chunkSize.toBytes() < MIN_CHUNK_SIZE || chunkSize.toBytes() > MAX_CHUNK_SIZE)) {
                throw new IllegalArgumentException("edgeswarm.transfer.chunk-size must be between 64KB and 64MB, got "
                        + chunkSize);
            }
            if (receiveBatch != null && (receiveBatch.toBytes() < 0 || receiveBatch.toBytes() > MAX_RECEIVE_BATCH)) {
                throw new IllegalArgumentException("edgeswarm.transfer.receive-batch must be between 0 and 1MB, got "
                        + receiveBatch);
            }
            if (sendLowWater != null && (sendLowWater.toBytes() < 0 || sendLowWater.toBytes() > MAX_SEND_LOW_WATER)) {
                throw new IllegalArgumentException("edgeswarm.transfer.send-low-water must be between 0 and 16MB, got "
                        + sendLowWater);
            }
            if (pipelineDepth < 1) {
                throw new IllegalArgumentException("edgeswarm.transfer.pipeline-depth must be at least 1, got "
                        + pipelineDepth);
            }
            if (holdingsPolls < 1) {
                throw new IllegalArgumentException("edgeswarm.transfer.holdings-polls must be at least 1, got "
                        + holdingsPolls);
            }
            if (holdingsWait != null && (holdingsWait.isNegative() || holdingsWait.compareTo(MAX_HOLDINGS_WAIT) > 0)) {
                throw new IllegalArgumentException("edgeswarm.transfer.holdings-wait must be between 0s and "
                        + MAX_HOLDINGS_WAIT.toSeconds() + "s, got " + holdingsWait);
            }
            if (holdingsNoticeInterval != null && (holdingsNoticeInterval.isNegative()
                    || holdingsNoticeInterval.compareTo(MAX_HOLDINGS_NOTICE_INTERVAL) > 0)) {
                throw new IllegalArgumentException("edgeswarm.transfer.holdings-notice-interval must be between 0s and "
                        + MAX_HOLDINGS_NOTICE_INTERVAL.toSeconds() + "s, got " + holdingsNoticeInterval);
            }
            if (holdingsWaiters < 0) {
                throw new IllegalArgumentException("edgeswarm.transfer.holdings-waiters must be 0 or more, got "
                        + holdingsWaiters);
            }
            if (catchUpRequests < 0) {
                throw new IllegalArgumentException("edgeswarm.transfer.catch-up-requests must be 0 or more, got "
                        + catchUpRequests);
            }
            congestionControl = congestionControlName("congestion-control", congestionControl);
            firstSendCongestionControl = congestionControlName("first-send-congestion-control",
                    firstSendCongestionControl);
        }

        /** Blank, or a kernel congestion control's name, stripped. */
        private static String congestionControlName(String setting, String name) {
            String stripped = name == null ? "" : name.strip();
            if (!stripped.isEmpty() && !CONGESTION_CONTROL_NAME.matcher(stripped).matches()) {
                throw new IllegalArgumentException("edgeswarm.transfer." + setting + " must be a kernel "
                        + "congestion control's name (letters, digits, '_' or '-', 15 at most), got '" + stripped
                        + "'");
            }
            return stripped;
        }
    }

    /** How new artifacts are cut into chunks; see {@link Transfer#chunkSizing()}. */
    public enum ChunkSizingMode {
        FIXED, AUTO
    }

    /**
     * @param writeToken bearer token required to publish, delete, replicate and distribute; blank means open
     * @param signingKey PEM (PKCS#8) Ed25519 private key that signs the manifest of every publish; unset means
     *     unsigned
     * @param trustedKeys PEM Ed25519 public keys of trusted publishers; when set, manifests fetched from peers must
     *     carry a valid signature by one of them, and publishing here needs a signing key
     * @param tlsBundle name of a Spring SSL bundle ({@code spring.ssl.bundle.*}) that this agent presents to peers
     *     and trusts peers by; when set the agent advertises {@code https}, and {@code server.ssl.bundle} must name
     *     a bundle too (with {@code server.ssl.client-auth=need} for mutual TLS). Blank means plain HTTP.
     * @param tlsVerifyHostname whether a peer's certificate must name the address it is reached at; turn off where
     *     peers are reached by addresses no certificate lists (pod IPs) and the private CA alone vouches for them
     */
    public record Security(@DefaultValue("") String writeToken, Path signingKey, List<Path> trustedKeys,
            @DefaultValue("") String tlsBundle, @DefaultValue("true") boolean tlsVerifyHostname) {

        public Security {
            trustedKeys = trustedKeys == null ? List.of() : List.copyOf(trustedKeys);
        }

        public boolean tls() {
            return tlsBundle != null && !tlsBundle.isBlank();
        }

        /** The scheme peers reach this agent's HTTP API with. */
        public String httpScheme() {
            return tls() ? "https" : "http";
        }

        public boolean writeProtected() {
            return writeToken != null && !writeToken.isBlank();
        }

        @Override
        public String toString() {
            return "Security[writeToken=" + (writeProtected() ? "<set>" : "<none>") + ", signingKey="
                    + (signingKey == null ? "<none>" : signingKey) + ", trustedKeys=" + trustedKeys + ", tlsBundle=" + tlsBundle + "]";
        }
    }
}
