package io.edgeswarm.agent.membership;

import io.edgeswarm.agent.config.EdgeswarmProperties;
import io.edgeswarm.agent.config.NodeIdentity;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Service;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Runs this agent's {@link SwimNode} for real: one protocol thread (the UDP socket's event loop) owns the node,
 * {@link GossipTransport} feeds it, and the rest of the agent reads membership through snapshots and a {@link Flux}
 * of events. Starts once the HTTP server has its port (the port goes into the gossiped metadata) and leaves the swarm
 * gracefully on shutdown.
 */
@Service
public class GossipService implements ApplicationListener<WebServerInitializedEvent>, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(GossipService.class);
    /**
     * Steps waiting for the protocol thread (state syncs, notices to send, queries); beyond this they are dropped (a
     * flood, or a stall). Datagrams need no place here: they are handled on that thread as they are read, and the
     * socket's receive buffer bounds what waits.
     */
    private static final int MAX_PENDING = 8_192;
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration JOIN_CHECK_DELAY = Duration.ofSeconds(2);
    private static final Duration JOIN_FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration JOIN_MAX_BACKOFF = Duration.ofSeconds(30);
    private static final long SNAPSHOT_INTERVAL_MS = 250;

    private final EdgeswarmProperties.Gossip properties;
    private final NodeIdentity identity;
    private final String httpScheme;
    private final SwimConfig config;
    /**
     * The protocol's one thread: the event loop of the UDP socket, once bound. Packets are handled, timers fire and
     * packets are sent there without a hand-over between threads; with a thread of its own, a third of the protocol
     * thread's time went to parking and waking when 16 agents shared 2 cores (docs/benchmarks.md, twentieth round).
     */
    private volatile ScheduledExecutorService protocolThread;
    private volatile boolean stopped;
    private volatile ScheduledFuture<?> snapshots;
    private final AtomicInteger pending = new AtomicInteger();
    final LongAdder droppedQueueFull = new LongAdder();
    private final Sinks.Many<MembershipEvent> events = Sinks.many().multicast().directBestEffort();
    private volatile SwimNode node;
    private volatile GossipTransport transport;
    private volatile List<Member> snapshot = List.of();
    private volatile LongConsumer rttListener = rtt -> { };
    private volatile BiConsumer<String, byte[]> noticeListener = (from, body) -> { };
    private Disposable joining;
    /** Metadata changes asked for before the node started; applied as it starts. */
    private Function<NodeMeta, NodeMeta> pendingMetaChange = Function.identity();

    public GossipService(EdgeswarmProperties properties, NodeIdentity identity) {
        this.properties = properties.gossip();
        this.identity = identity;
        this.httpScheme = properties.security().httpScheme();
        this.config = swimConfig(this.properties);
    }

    static SwimConfig swimConfig(EdgeswarmProperties.Gossip g) {
        return new SwimConfig(g.probeInterval().toMillis(), g.probeTimeout().toMillis(), g.indirectChecks(),
                g.suspicionMult(), g.suspicionMaxTimeoutMult(), g.retransmitMult(), g.gossipInterval().toMillis(),
                g.gossipNodes(), g.gossipToTheDead().toMillis(), g.pushPullInterval().toMillis(), 8,
                g.deadReclaimTime().toMillis(), g.reconnectInterval().toMillis(), 1400, g.lifeguard());
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if (node != null || event.getApplicationContext().getServerNamespace() != null) {
            return; // already started, or a management server on its own port
        }
        start(event.getWebServer().getPort());
    }

    synchronized void start(int httpPort) {
        String gossipHost = gossipHost(identity.advertiseAddress());
        PacketCipher cipher = properties.encrypted()
                ? new PacketCipher(properties.clusterKey(), properties.previousKeys()) : null;
        GossipTransport socket = new GossipTransport(properties.bindAddress(), properties.port(), cipher,
                new GossipTransport.Receiver() {
                    @Override
                    public void packet(NodeAddress from, byte[] bytes) {
                        // On the protocol thread already (the UDP socket's loop), with nothing of the node's on the
                        // stack: no hand-over through the task queue.
                        onNodeNow(current -> current.onPacket(from, bytes));
                    }

                    @Override
                    public void stream(NodeAddress from, byte[] bytes) {
                        onNode(current -> current.onStream(from, bytes));
                    }
                });
        int port = socket.start();
        transport = socket;
        protocolThread = socket.eventLoop();
        NodeAddress self = new NodeAddress(gossipHost, port);
        NodeMeta meta = new NodeMeta(httpScheme + "://" + hostForUrl(identity.advertiseAddress()) + ":" + httpPort,
                identity.zone(), identity.labels(), 0, new byte[0]);
        node = new SwimNode(identity.nodeId(), self, meta, config, new Environment(), event -> {
            // A member's state changes are news; its metadata changes (holdings, load) come several times a second
            // from every member while artifacts move, and logging each one cost the gossip thread a quarter of its
            // time in a 16-agent transfer.
            Member member = event.member();
            if (event.type() == MembershipEvent.Type.UPDATED) {
                log.debug("Member {} updated ({}, incarnation {})", member.id(), member.address(),
                        member.incarnation());
            } else {
                log.info("Member {} {} ({}, incarnation {})", member.id(), event.type().name().toLowerCase(),
                        member.address(), member.incarnation());
            }
            events.tryEmitNext(event);
        });
        node.onProbeRoundTrip(rtt -> rttListener.accept(rtt));
        node.onNotice((from, body) -> noticeListener.accept(from, body));
        Function<NodeMeta, NodeMeta> early = pendingMetaChange;
        protocolThread.execute(() -> {
            node.updateMeta(early.apply(node.meta()));
            node.start();
        });
        snapshots = protocolThread.scheduleWithFixedDelay(() -> snapshot = node.members(), 0, SNAPSHOT_INTERVAL_MS,
                TimeUnit.MILLISECONDS);
        log.info("Gossip member {} at {} (http {}, zone {}), seeds {}", identity.nodeId(), self, meta.httpAddress(),
                identity.zone(), properties.seeds());
        joining = joinSeeds(port);
    }

    /** Resolves the seeds (a DNS name stands for all its addresses) and joins until another member is known. */
    private Disposable joinSeeds(int ownPort) {
        if (properties.seeds().isEmpty()) {
            return null;
        }
        NodeAddress self = node.address();
        return Mono.fromCallable(() -> resolveSeeds(ownPort))
                .subscribeOn(Schedulers.boundedElastic())
                .map(seeds -> seeds.stream().filter(seed -> !seed.equals(self)).toList())
                .filter(others -> !others.isEmpty()) // we are the only seed: others will join us
                .flatMap(seeds -> Mono.fromFuture(onProtocolThreadFuture(() -> {
                    node.join(seeds);
                    return seeds;
                })))
                .delayElement(JOIN_CHECK_DELAY)
                .flatMap(seeds -> Mono.fromFuture(onProtocolThreadFuture(node::estimatedSize)))
                .flatMap(size -> size > 1 ? Mono.just(size)
                        : Mono.error(new IllegalStateException("no seed answered yet")))
                .retryWhen(Retry.backoff(properties.joinMaxAttempts(), JOIN_FIRST_BACKOFF).maxBackoff(JOIN_MAX_BACKOFF)
                        .doBeforeRetry(signal -> log.warn("Join through {} failed (attempt {}): {}",
                                properties.seeds(), signal.totalRetries() + 1, signal.failure().getMessage())))
                .subscribe(size -> log.info("Joined the swarm: {} members known", size),
                        error -> log.error("Gave up joining through {} after {} attempts: {}", properties.seeds(),
                                properties.joinMaxAttempts(), error.getMessage()));
    }

    private List<NodeAddress> resolveSeeds(int ownPort) throws UnknownHostException {
        Set<NodeAddress> resolved = new LinkedHashSet<>();
        List<String> failures = new ArrayList<>();
        for (String seed : properties.seeds()) {
            NodeAddress parsed = NodeAddress.parse(seed, ownPort == 0 ? 7946 : ownPort);
            try {
                for (InetAddress address : InetAddress.getAllByName(parsed.host())) {
                    resolved.add(new NodeAddress(address.getHostAddress(), parsed.port()));
                }
            } catch (UnknownHostException e) {
                failures.add(parsed.host());
            }
        }
        if (resolved.isEmpty()) {
            throw new UnknownHostException("no seed resolves: " + failures);
        }
        return List.copyOf(resolved);
    }

    /** This node's view of the membership, fresh from the protocol thread. */
    public Mono<List<Member>> members() {
        if (node == null) {
            return Mono.just(List.of());
        }
        return Mono.fromFuture(onProtocolThreadFuture(node::members)).timeout(QUERY_TIMEOUT);
    }

    /** The view as of at most a quarter second ago; never blocks. */
    public List<Member> membersSnapshot() {
        return snapshot;
    }

    public Flux<MembershipEvent> events() {
        return events.asFlux();
    }

    public String localId() {
        return identity.nodeId();
    }

    /** Changes this node's gossiped metadata, e.g. its load or artifact summary. */
    public synchronized void updateMeta(Function<NodeMeta, NodeMeta> change) {
        if (node == null) {
            pendingMetaChange = pendingMetaChange.andThen(change);
            return;
        }
        onProtocolThread(() -> node.updateMeta(change.apply(node.meta())));
    }

    /**
     * Sends {@code body} to each named member, alive or suspect, as a notice on the gossip socket (one datagram each,
     * at most {@link MessageCodec#MAX_NOTICE_BYTES}, not retried: a notice may be lost, so it must only ever be a
     * hint that something else confirms). Returns at once; unknown members are skipped.
     */
    public void sendNotice(Collection<String> memberIds, byte[] body) {
        if (body.length > MessageCodec.MAX_NOTICE_BYTES) {
            throw new IllegalArgumentException("a notice of " + body.length + " bytes exceeds "
                    + MessageCodec.MAX_NOTICE_BYTES);
        }
        List<String> targets = List.copyOf(memberIds);
        onNode(current -> current.sendNotice(targets, body));
    }

    /**
     * Where notices from other members go, with the sender's member id, on the gossip thread: the listener should hand
     * the work on. Notices from an address other than the one the named member gossips are dropped before.
     */
    public void onNotice(BiConsumer<String, byte[]> listener) {
        this.noticeListener = listener;
    }

    public Map<MemberState, Long> countsByState() {
        Map<MemberState, Long> counts = new EnumMap<>(MemberState.class);
        for (MemberState state : MemberState.values()) {
            counts.put(state, 0L);
        }
        snapshot.forEach(m -> counts.merge(m.state(), 1L, Long::sum));
        return counts;
    }

    GossipStats stats() {
        return node == null ? new GossipStats() : node.stats();
    }

    GossipTransport transport() {
        return transport;
    }

    int healthScore() {
        SwimNode current = node;
        return current == null ? 0 : current.healthScore();
    }

    void onProbeRoundTrip(LongConsumer listener) {
        this.rttListener = listener;
    }

    @Override
    public void destroy() {
        if (joining != null) {
            joining.dispose();
        }
        if (node != null) {
            try {
                protocolThread.submit(node::leave).get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                // Keep gossiping so the departure spreads, then stop.
                Thread.sleep(properties.leaveTimeout().toMillis());
                protocolThread.submit(node::stop).get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                log.warn("Leaving the swarm did not complete: {}", e.toString());
            }
            log.info("Left the swarm");
        }
        stopped = true;
        if (snapshots != null) {
            snapshots.cancel(false);
        }
        if (transport != null) {
            transport.close();
        }
    }

    /** A message for the node; dropped while there is none yet (a packet that came before the node was built). */
    private void onNode(Consumer<SwimNode> step) {
        onProtocolThread(() -> onCurrentNode(step));
    }

    /** As {@link #onNode}, at once: only for callers on the protocol thread that are not inside a step already. */
    private void onNodeNow(Consumer<SwimNode> step) {
        if (!stopped) {
            runStep(() -> onCurrentNode(step));
        }
    }

    private void onCurrentNode(Consumer<SwimNode> step) {
        SwimNode current = node;
        if (current != null) {
            step.accept(current);
        }
    }

    private void onProtocolThread(Runnable task) {
        if (stopped) {
            return;
        }
        if (pending.incrementAndGet() > MAX_PENDING) {
            pending.decrementAndGet();
            droppedQueueFull.increment();
            return;
        }
        protocolThread.execute(() -> {
            pending.decrementAndGet();
            runStep(task);
        });
    }

    /** One step on the protocol thread: a failure is logged and the thread goes on. */
    private static void runStep(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.error("Gossip protocol step failed", e);
        }
    }

    private <T> CompletableFuture<T> onProtocolThreadFuture(java.util.function.Supplier<T> query) {
        return CompletableFuture.supplyAsync(query, protocolThread);
    }

    /**
     * The address this member gossips: an IP address, written as the transport writes a datagram's sender
     * ({@link InetAddress#getHostAddress()}: {@code fd00::7} becomes {@code fd00:0:0:0:0:0:0:7}). A sender is matched
     * against its member's address (notices are taken only from there), and a name would be looked up on the protocol
     * thread for every send. So a host name given as the advertise address is resolved once, here, as HashiCorp's
     * memberlist does; the HTTP address keeps the name, which a peer's certificate may be issued for.
     */
    static String gossipHost(String advertiseAddress) {
        InetAddress literal = NetUtil.createInetAddressFromIpAddressString(advertiseAddress);
        if (literal != null) {
            return literal.getHostAddress();
        }
        try {
            String address = InetAddress.getByName(advertiseAddress).getHostAddress();
            log.info("Advertise address {} resolved to {} for gossip", advertiseAddress, address);
            return address;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("edgeswarm.advertise-address '" + advertiseAddress
                    + "' is neither an IP address nor a host name that resolves: " + e.getMessage(), e);
        }
    }

    private static String hostForUrl(String host) {
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    /** The protocol's world: wall-clock time, the protocol thread's scheduler, and the sockets. */
    private final class Environment implements GossipEnvironment {
        private final SplittableRandom random = new SplittableRandom();

        @Override
        public long now() {
            return System.nanoTime() / 1_000_000;
        }

        @Override
        public Cancellable schedule(long delayMillis, Runnable task) {
            var future = protocolThread.schedule(() -> {
                if (stopped) {
                    return;
                }
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("Gossip timer failed", e);
                }
            }, delayMillis, TimeUnit.MILLISECONDS);
            return () -> future.cancel(false);
        }

        @Override
        public void sendPacket(NodeAddress to, byte[] packet) {
            transport.sendPacket(to, packet);
        }

        @Override
        public void sendPackets(List<NodeAddress> targets, byte[] packet) {
            transport.sendPackets(targets, packet);
        }

        @Override
        public void sendStream(NodeAddress to, byte[] message) {
            transport.sendStream(to, message);
        }

        @Override
        public RandomGenerator random() {
            return random;
        }
    }
}
