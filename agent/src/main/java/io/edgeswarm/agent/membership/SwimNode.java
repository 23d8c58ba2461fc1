package io.edgeswarm.agent.membership;

import io.edgeswarm.agent.membership.Message.Ack;
import io.edgeswarm.agent.membership.Message.Alive;
import io.edgeswarm.agent.membership.Message.Compound;
import io.edgeswarm.agent.membership.Message.Dead;
import io.edgeswarm.agent.membership.Message.IndirectPing;
import io.edgeswarm.agent.membership.Message.MemberEntry;
import io.edgeswarm.agent.membership.Message.Nack;
import io.edgeswarm.agent.membership.Message.Notice;
import io.edgeswarm.agent.membership.Message.Ping;
import io.edgeswarm.agent.membership.Message.PushPull;
import io.edgeswarm.agent.membership.Message.Suspect;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member's view of the swarm and the SWIM protocol that keeps it current (Das et al., "SWIM", 2002, with
 * HashiCorp memberlist's extensions and Lifeguard). Pure state machine: no threads, sockets or clocks of its own;
 * everything comes through {@link GossipEnvironment}, so the simulator drives exactly this code. Not thread-safe:
 * every method must be called on the environment's protocol thread.
 */
public final class SwimNode {

    private static final Logger log = LoggerFactory.getLogger(SwimNode.class);
    /** Updates queued at most, far above any real swarm's churn; guards memory against invented member ids. */
    private static final int BROADCAST_CAPACITY = 10_000;

    private final String id;
    private final NodeAddress address;
    private final SwimConfig config;
    private final GossipEnvironment env;
    private final Consumer<MembershipEvent> listener;
    private final Map<String, MemberRecord> members = new HashMap<>();
    /** The same records in an array, for O(1) random picks (memberlist's kRandomNodes). */
    private final List<MemberRecord> memberList = new ArrayList<>();
    /** Members alive or suspect, kept current by {@link #setState}. */
    private int liveCount;
    private final Map<Integer, AckHandler> ackHandlers = new HashMap<>();
    private final List<MemberRecord> probeOrder = new ArrayList<>();
    private final BroadcastQueue broadcasts;
    private final Awareness awareness;
    private final GossipStats stats = new GossipStats();
    private LongConsumer rttListener = rtt -> { };
    private BiConsumer<String, byte[]> noticeListener = (from, body) -> { };
    private NodeMeta meta;
    private long incarnation;
    private int probeIndex;
    private int nextSeq;
    private boolean running;
    private boolean leaving;
    private final List<GossipEnvironment.Cancellable> tickers = new ArrayList<>();

    /** What this node knows of one member. */
    private static final class MemberRecord {
        final String id;
        NodeAddress address;
        NodeMeta meta;
        MemberState state;
        long incarnation;
        long stateChangedAt;
        Suspicion suspicion;
        int listIndex;

        MemberRecord(String id, NodeAddress address, NodeMeta meta, MemberState state, long now) {
            this.id = id;
            this.address = address;
            this.meta = meta;
            this.state = state;
            this.stateChangedAt = now;
        }

        Member snapshot() {
            return new Member(id, address, meta, state, incarnation, stateChangedAt);
        }
    }

    /** Waits for the ack of one sequence number. */
    private static final class AckHandler {
        final Runnable onAck;
        final Runnable onNack;
        GossipEnvironment.Cancellable timeout;

        AckHandler(Runnable onAck, Runnable onNack) {
            this.onAck = onAck;
            this.onNack = onNack;
        }
    }

    public SwimNode(String id, NodeAddress address, NodeMeta meta, SwimConfig config, GossipEnvironment env,
            Consumer<MembershipEvent> listener) {
        this.id = Objects.requireNonNull(id, "id");
        this.address = Objects.requireNonNull(address, "address");
        this.meta = Objects.requireNonNull(meta, "meta");
        this.config = config;
        this.env = env;
        this.listener = listener;
        this.awareness = new Awareness(config.lifeguard() ? config.awarenessMaxMultiplier() : 1);
        this.broadcasts = new BroadcastQueue(() -> config.retransmitLimit(estimatedSize()), BROADCAST_CAPACITY);
        checkMetaSize(meta);
    }

    public String id() {
        return id;
    }

    public NodeAddress address() {
        return address;
    }

    public GossipStats stats() {
        return stats;
    }

    public void onProbeRoundTrip(LongConsumer listener) {
        this.rttListener = listener;
    }

    /**
     * Where {@link Notice}s go: the sending member's id and the body, on the protocol thread. Only a notice from the
     * address this node knows for the member it names, alive or suspect, is passed on; others are counted as
     * malformed and dropped.
     */
    public void onNotice(BiConsumer<String, byte[]> listener) {
        this.noticeListener = listener;
    }

    /**
     * Sends one notice to each of the named members this node knows alive or suspect, straight to its address and
     * without piggybacked gossip; the others are skipped. Returns how many were sent.
     */
    public int sendNotice(Collection<String> memberIds, byte[] body) {
        List<NodeAddress> targets = new ArrayList<>(memberIds.size());
        for (String memberId : memberIds) {
            MemberRecord member = members.get(memberId);
            if (member != null && !member.id.equals(id)
                    && (member.state == MemberState.ALIVE || member.state == MemberState.SUSPECT)) {
                targets.add(member.address);
            }
        }
        if (targets.isEmpty()) {
            return 0;
        }
        transmit(targets, MessageCodec.encode(new Notice(id, body)));
        return targets.size();
    }

    /** Lifeguard's local health: 0 is healthy, up to the awareness multiplier minus one. */
    public int healthScore() {
        return awareness.score();
    }

    public long incarnation() {
        return incarnation;
    }

    public NodeMeta meta() {
        return meta;
    }

    /** Adds this node to its own view and starts probing, gossiping and syncing. */
    public void start() {
        if (running) {
            return;
        }
        running = true;
        aliveNode(new Alive(incarnation, id, address, meta), true);
        tickers.add(env.schedule(config.probeIntervalMs(), this::probeTick));
        scheduleGossip();
        schedulePushPull();
        scheduleReconnect();
    }

    /** Sends our full state to each seed; their replies bring theirs. The caller retries until joined. */
    public void join(Collection<NodeAddress> seeds) {
        for (NodeAddress seed : seeds) {
            if (!seed.equals(address)) {
                sendStream(seed, new PushPull(true, false, localState()));
            }
        }
    }

    /** Announces a graceful leave; keep the node running a few gossip rounds so the news spreads, then stop it. */
    public void leave() {
        if (leaving) {
            return;
        }
        leaving = true;
        MemberRecord self = members.get(id);
        deadNode(new Dead(self.incarnation, id, id));
        gossipTick();
    }

    public void stop() {
        running = false;
        tickers.forEach(GossipEnvironment.Cancellable::cancel);
        tickers.clear();
        ackHandlers.values().forEach(h -> h.timeout.cancel());
        ackHandlers.clear();
        members.values().stream().filter(m -> m.suspicion != null).forEach(m -> m.suspicion.cancel());
    }

    /** Replaces this node's metadata and announces it with a new incarnation. */
    public void updateMeta(NodeMeta newMeta) {
        if (newMeta.equals(meta)) {
            return;
        }
        checkMetaSize(newMeta);
        meta = newMeta;
        incarnation++;
        MemberRecord self = members.get(id);
        Alive alive = new Alive(incarnation, id, address, meta);
        if (self != null) {
            self.incarnation = incarnation;
            self.meta = newMeta;
            queue(id, alive);
            emit(MembershipEvent.Type.UPDATED, self);
        }
    }

    public List<Member> members() {
        return members.values().stream().map(MemberRecord::snapshot).toList();
    }

    /** Members alive or suspect, this node included: the N in the protocol's log(N) terms. */
    public int estimatedSize() {
        return Math.max(liveCount, 1);
    }

    // ---- inbound ----

    public void onPacket(NodeAddress from, byte[] bytes) {
        stats.packetsReceived.increment();
        stats.bytesReceived.add(bytes.length);
        Message message;
        try {
            message = MessageCodec.decode(bytes);
        } catch (MalformedMessageException e) {
            stats.malformed.increment();
            log.debug("Dropped malformed packet from {}: {}", from, e.getMessage());
            return;
        }
        if (running) {
            handle(from, message);
        }
    }

    public void onStream(NodeAddress from, byte[] bytes) {
        stats.streamsReceived.increment();
        Message message;
        try {
            message = MessageCodec.decode(bytes);
        } catch (MalformedMessageException e) {
            stats.malformed.increment();
            log.debug("Dropped malformed stream from {}: {}", from, e.getMessage());
            return;
        }
        if (!running || !(message instanceof PushPull pushPull)) {
            stats.malformed.increment();
            return;
        }
        mergeState(pushPull.members());
        if (!pushPull.reply()) {
            sendStream(replyAddress(pushPull, from), new PushPull(false, true, localState()));
        }
    }

    /** The sender's own entry comes first ({@link #localState()}); the TCP source port is ephemeral. */
    private static NodeAddress replyAddress(PushPull request, NodeAddress from) {
        return request.members().isEmpty() ? from : request.members().get(0).address();
    }

    private void handle(NodeAddress from, Message message) {
        if (message instanceof Compound compound) {
            compound.parts().forEach(part -> handle(from, part));
        } else if (message instanceof Ping ping) {
            if (ping.target().equals(id)) {
                sendPacket(from, new Ack(ping.seq()));
            }
        } else if (message instanceof IndirectPing request) {
            relayProbe(from, request);
        } else if (message instanceof Ack ack) {
            AckHandler handler = ackHandlers.remove(ack.seq());
            if (handler != null) {
                handler.timeout.cancel();
                handler.onAck.run();
            }
        } else if (message instanceof Nack nack) {
            AckHandler handler = ackHandlers.get(nack.seq());
            if (handler != null && handler.onNack != null) {
                handler.onNack.run();
            }
        } else if (message instanceof Alive alive) {
            aliveNode(alive, false);
        } else if (message instanceof Suspect suspect) {
            suspectNode(suspect);
        } else if (message instanceof Dead dead) {
            deadNode(dead);
        } else if (message instanceof Notice notice) {
            MemberRecord sender = members.get(notice.node());
            if (sender != null && sender.address.equals(from)
                    && (sender.state == MemberState.ALIVE || sender.state == MemberState.SUSPECT)) {
                noticeListener.accept(notice.node(), notice.body());
            } else {
                stats.malformed.increment();
            }
        } else {
            stats.malformed.increment();
        }
    }

    // ---- failure detection ----

    private void probeTick() {
        if (!running) {
            return;
        }
        MemberRecord target = nextProbeTarget();
        if (target == null) {
            tickers.add(env.schedule(config.probeIntervalMs(), this::probeTick));
            return;
        }
        probe(target);
    }

    /** Randomised round-robin: every member is probed once per shuffled pass, so detection time is bounded. */
    private MemberRecord nextProbeTarget() {
        for (int attempts = 0; attempts <= probeOrder.size(); attempts++) {
            if (probeIndex >= probeOrder.size()) {
                probeOrder.clear();
                memberList.stream().filter(m -> !m.id.equals(id)).forEach(probeOrder::add);
                shuffle(probeOrder);
                probeIndex = 0;
                if (probeOrder.isEmpty()) {
                    return null;
                }
            }
            MemberRecord candidate = probeOrder.get(probeIndex++);
            if (members.get(candidate.id) == candidate && !candidate.state.isGone()) {
                return candidate;
            }
        }
        return null;
    }

    private void probe(MemberRecord target) {
        stats.probes.increment();
        long started = env.now();
        long interval = awareness.scale(config.probeIntervalMs());
        long timeout = awareness.scale(config.probeTimeoutMs());
        int seq = nextSeq++;
        ProbeOutcome outcome = new ProbeOutcome();
        AckHandler handler = new AckHandler(() -> {
            outcome.acked = true;
            rttListener.accept(env.now() - started);
        }, () -> outcome.nacks++);
        handler.timeout = env.schedule(interval, () -> ackHandlers.remove(seq));
        ackHandlers.put(seq, handler);

        Ping ping = new Ping(seq, target.id, id);
        if (target.state == MemberState.SUSPECT) {
            // Buddy system: tell the suspect it is suspected, so it can refute at once.
            sendPacket(target.address, new Compound(List.of(ping, new Suspect(target.incarnation, target.id, id))));
        } else {
            sendPacket(target.address, ping);
        }
        env.schedule(timeout, () -> {
            if (outcome.acked || !running) {
                return;
            }
            List<MemberRecord> relays = randomMembers(config.indirectChecks(),
                    m -> m.state == MemberState.ALIVE && !m.id.equals(target.id) && !m.id.equals(id));
            outcome.expectedNacks = config.lifeguard() ? relays.size() : 0;
            for (MemberRecord relay : relays) {
                sendPacket(relay.address, new IndirectPing(seq, target.id, target.address, id, config.lifeguard()));
            }
        });
        env.schedule(interval, () -> finishProbe(target, outcome, started));
    }

    /** State of one probe in flight. */
    private static final class ProbeOutcome {
        boolean acked;
        int expectedNacks;
        int nacks;
    }

    private void finishProbe(MemberRecord target, ProbeOutcome outcome, long started) {
        if (!running) {
            return;
        }
        if (outcome.acked) {
            awareness.apply(-1);
        } else {
            stats.probesFailed.increment();
            if (config.lifeguard()) {
                // Relays that did not even nack suggest our own network or CPU is the problem (Lifeguard IV.A).
                awareness.apply(Math.max(0, outcome.expectedNacks - outcome.nacks));
            }
            if (members.get(target.id) == target && !target.state.isGone()) {
                // Also for a member already suspect: our failed probe is an independent confirmation.
                suspectNode(new Suspect(target.incarnation, target.id, id));
            }
        }
        long next = Math.max(0, started + config.probeIntervalMs() - env.now());
        tickers.add(env.schedule(next, this::probeTick));
    }

    private void relayProbe(NodeAddress requester, IndirectPing request) {
        int seq = nextSeq++;
        AckHandler handler = new AckHandler(() -> sendPacket(requester, new Ack(request.seq())), null);
        handler.timeout = env.schedule(awareness.scale(config.probeTimeoutMs()), () -> {
            ackHandlers.remove(seq);
            if (request.wantNack()) {
                sendPacket(requester, new Nack(request.seq()));
            }
        });
        ackHandlers.put(seq, handler);
        sendPacket(request.targetAddress(), new Ping(seq, request.target(), id));
    }

    // ---- state transitions (memberlist state.go) ----

    private void aliveNode(Alive alive, boolean bootstrap) {
        boolean local = alive.node().equals(id);
        if (leaving && local) {
            return;
        }
        MemberRecord member = members.get(alive.node());
        boolean isNew = member == null;
        if (isNew) {
            if (!local && alive.address().equals(address)) {
                stats.conflicts.increment();
                log.warn("Member '{}' claims this node's own address {}; ignored", alive.node(), address);
                return;
            }
            member = new MemberRecord(alive.node(), alive.address(), alive.meta(), MemberState.DEAD, env.now());
            member.incarnation = -1;
            addMember(member);
            probeOrder.add(Math.min(probeOrder.size(), probeIndex + env.random().nextInt(probeOrder.size() + 1)),
                    member);
        } else if (!member.address.equals(alive.address())) {
            boolean reclaimable = member.state.isGone() && env.now() - member.stateChangedAt > config.deadReclaimMs();
            if (!reclaimable || local) {
                stats.conflicts.increment();
                log.warn("Member id '{}' is claimed by {} while {} holds it; keeping {}", alive.node(),
                        alive.address(), member.address, member.address);
                return;
            }
            member.address = alive.address();
        } else if (alive.incarnation() <= member.incarnation && !local) {
            return;
        }
        if (local) {
            if (bootstrap) {
                member.incarnation = alive.incarnation();
                setState(member, MemberState.ALIVE);
                member.meta = alive.meta();
                member.stateChangedAt = env.now();
                queue(id, alive);
                return;
            }
            if (alive.incarnation() < incarnation
                    || (alive.incarnation() == incarnation && alive.meta().equals(meta))) {
                return; // our own news coming back
            }
            refute(member, alive.incarnation());
            return;
        }
        if (member.suspicion != null) {
            member.suspicion.cancel();
            member.suspicion = null;
        }
        MemberState before = member.state;
        boolean metaChanged = !member.meta.equals(alive.meta());
        member.incarnation = alive.incarnation();
        member.meta = alive.meta();
        queue(alive.node(), alive);
        if (before != MemberState.ALIVE) {
            setState(member, MemberState.ALIVE);
            emit(isNew ? MembershipEvent.Type.JOINED : MembershipEvent.Type.ALIVE, member);
        } else if (metaChanged) {
            emit(MembershipEvent.Type.UPDATED, member);
        }
    }

    private void suspectNode(Suspect suspect) {
        MemberRecord member = members.get(suspect.node());
        if (member == null || suspect.incarnation() < member.incarnation) {
            return;
        }
        if (member.suspicion != null) {
            if (member.suspicion.confirm(suspect.from())) {
                queue(suspect.node(), suspect);
            }
            return;
        }
        if (member.state != MemberState.ALIVE) {
            return;
        }
        if (suspect.node().equals(id)) {
            refute(member, suspect.incarnation());
            return;
        }
        queue(suspect.node(), suspect);
        stats.suspicions.increment();
        member.incarnation = suspect.incarnation();
        setState(member, MemberState.SUSPECT);
        int n = estimatedSize();
        int k = config.lifeguard() ? config.suspicionMult() - 2 : 0;
        if (n - 2 < k) {
            k = 0;
        }
        long min = config.suspicionMinMs(n);
        long max = config.lifeguard() ? config.suspicionMaxTimeoutMult() * min : min;
        long suspectedIncarnation = suspect.incarnation();
        MemberRecord target = member;
        member.suspicion = new Suspicion(env, suspect.from(), k, min, max, () -> {
            if (running && members.get(target.id) == target && target.state == MemberState.SUSPECT
                    && target.incarnation == suspectedIncarnation) {
                stats.deathsDeclared.increment();
                deadNode(new Dead(suspectedIncarnation, target.id, id));
            }
        });
        emit(MembershipEvent.Type.SUSPECT, member);
    }

    private void deadNode(Dead dead) {
        MemberRecord member = members.get(dead.node());
        if (member == null || dead.incarnation() < member.incarnation) {
            return;
        }
        if (member.suspicion != null) {
            member.suspicion.cancel();
            member.suspicion = null;
        }
        if (member.state.isGone()) {
            return;
        }
        if (dead.node().equals(id) && !leaving) {
            refute(member, dead.incarnation());
            return;
        }
        queue(dead.node(), dead);
        member.incarnation = dead.incarnation();
        setState(member, dead.from().equals(dead.node()) ? MemberState.LEFT : MemberState.DEAD);
        emit(member.state == MemberState.LEFT ? MembershipEvent.Type.LEFT : MembershipEvent.Type.DEAD, member);
    }

    /** Someone thinks we are suspect or dead: outbid their incarnation and say we are alive. */
    private void refute(MemberRecord self, long accusedIncarnation) {
        incarnation = Math.max(incarnation, accusedIncarnation) + 1;
        self.incarnation = incarnation;
        queue(id, new Alive(incarnation, id, address, meta));
        stats.refutations.increment();
        if (config.lifeguard()) {
            awareness.apply(1);
        }
    }

    // ---- dissemination ----

    private void scheduleGossip() {
        tickers.add(env.schedule(config.gossipIntervalMs(), () -> {
            if (running) {
                gossipTick();
                reapDead();
                scheduleGossip();
            }
        }));
    }

    private void gossipTick() {
        long now = env.now();
        List<MemberRecord> targets = randomMembers(config.gossipNodes(), m -> !m.id.equals(id)
                && (!m.state.isGone() || now - m.stateChangedAt < config.gossipToTheDeadMs()));
        for (MemberRecord target : targets) {
            List<byte[]> parts = broadcasts.take(MessageCodec.COMPOUND_OVERHEAD,
                    config.maxPacketBytes() - MessageCodec.COMPOUND_HEADER);
            if (parts.isEmpty()) {
                return;
            }
            transmit(target.address, MessageCodec.compound(parts));
        }
    }

    private void schedulePushPull() {
        tickers.add(env.schedule(config.pushPullIntervalMs(estimatedSize()), () -> {
            if (running) {
                randomMembers(1, m -> m.state == MemberState.ALIVE && !m.id.equals(id))
                        .forEach(m -> sendStream(m.address, new PushPull(false, false, localState())));
                schedulePushPull();
            }
        }));
    }

    /** A dead member may only be cut off; syncing with it lets it refute and both sides merge again. */
    private void scheduleReconnect() {
        tickers.add(env.schedule(config.reconnectIntervalMs(), () -> {
            if (running) {
                randomMembers(1, m -> m.state == MemberState.DEAD)
                        .forEach(m -> sendStream(m.address, new PushPull(false, false, localState())));
                scheduleReconnect();
            }
        }));
    }

    private void mergeState(List<MemberEntry> remote) {
        for (MemberEntry entry : remote) {
            switch (entry.state()) {
                case ALIVE -> aliveNode(new Alive(entry.incarnation(), entry.node(), entry.address(), entry.meta()),
                        false);
                case LEFT -> deadNode(new Dead(entry.incarnation(), entry.node(), entry.node()));
                // Second-hand death is only suspicion here, giving the member a chance to refute (memberlist).
                case DEAD, SUSPECT -> suspectNode(new Suspect(entry.incarnation(), entry.node(), id));
                default -> throw new IllegalStateException("unknown state " + entry.state());
            }
        }
    }

    /** Every member this node knows, itself first so the receiver knows where to reply. */
    private List<MemberEntry> localState() {
        List<MemberEntry> state = new ArrayList<>(members.size());
        MemberRecord self = members.get(id);
        state.add(new MemberEntry(id, address, self.incarnation, self.state, self.meta));
        for (MemberRecord m : memberList) {
            if (m != self) {
                state.add(new MemberEntry(m.id, m.address, m.incarnation, m.state, m.meta));
            }
        }
        return state;
    }

    /**
     * Installs a converged view without gossiping it, as if the swarm had settled long ago. Only for simulations
     * that measure steady state: a real node learns members through {@link #join} and gossip.
     */
    void restoreView(List<Member> view) {
        for (Member m : view) {
            if (m.id().equals(id) || members.containsKey(m.id())) {
                continue;
            }
            MemberRecord record = new MemberRecord(m.id(), m.address(), m.meta(), MemberState.DEAD, env.now());
            record.incarnation = m.incarnation();
            addMember(record);
            setState(record, m.state());
        }
    }

    private void reapDead() {
        long now = env.now();
        for (int i = memberList.size() - 1; i >= 0; i--) {
            MemberRecord m = memberList.get(i);
            if (m.state.isGone() && !m.id.equals(id) && now - m.stateChangedAt > config.deadReclaimMs()) {
                removeMember(m);
                emit(MembershipEvent.Type.REAPED, m);
            }
        }
    }

    private void addMember(MemberRecord member) {
        member.listIndex = memberList.size();
        memberList.add(member);
        members.put(member.id, member);
        if (!member.state.isGone()) {
            liveCount++;
        }
    }

    private void removeMember(MemberRecord member) {
        MemberRecord last = memberList.remove(memberList.size() - 1);
        if (last != member) {
            memberList.set(member.listIndex, last);
            last.listIndex = member.listIndex;
        }
        members.remove(member.id);
        if (!member.state.isGone()) {
            liveCount--;
        }
    }

    private void setState(MemberRecord member, MemberState state) {
        if (member.state.isGone() != state.isGone()) {
            liveCount += state.isGone() ? -1 : 1;
        }
        member.state = state;
        member.stateChangedAt = env.now();
    }

    private void queue(String node, Message message) {
        broadcasts.enqueue(node, MessageCodec.encode(message));
    }

    // ---- outbound ----

    private void sendPacket(NodeAddress to, Message message) {
        byte[] encoded = MessageCodec.encode(message);
        List<byte[]> parts = new ArrayList<>();
        parts.add(encoded);
        int budget = config.maxPacketBytes() - MessageCodec.COMPOUND_HEADER - MessageCodec.COMPOUND_OVERHEAD
                - encoded.length;
        if (budget > 0) {
            parts.addAll(broadcasts.take(MessageCodec.COMPOUND_OVERHEAD, budget));
        }
        transmit(to, MessageCodec.compound(parts));
    }

    private void transmit(NodeAddress to, byte[] packet) {
        stats.packetsSent.increment();
        stats.bytesSent.add(packet.length);
        env.sendPacket(to, packet);
    }

    /** The same packet to each target, counted as that many packets. */
    private void transmit(List<NodeAddress> targets, byte[] packet) {
        stats.packetsSent.add(targets.size());
        stats.bytesSent.add((long) packet.length * targets.size());
        env.sendPackets(targets, packet);
    }

    private void sendStream(NodeAddress to, Message message) {
        stats.streamsSent.increment();
        env.sendStream(to, MessageCodec.encode(message));
    }

    // ---- helpers ----

    /** Up to {@code count} distinct random members passing {@code filter}, by rejection sampling (3N tries). */
    private List<MemberRecord> randomMembers(int count, java.util.function.Predicate<MemberRecord> filter) {
        List<MemberRecord> picked = new ArrayList<>(count);
        int size = memberList.size();
        for (int tries = 0; tries < 3 * size && picked.size() < count; tries++) {
            MemberRecord candidate = memberList.get(env.random().nextInt(size));
            if (filter.test(candidate) && !picked.contains(candidate)) {
                picked.add(candidate);
            }
        }
        return picked;
    }

    private void shuffle(List<MemberRecord> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = env.random().nextInt(i + 1);
            MemberRecord swap = list.get(i);
            list.set(i, list.get(j));
            list.set(j, swap);
        }
    }

    private void emit(MembershipEvent.Type type, MemberRecord member) {
        listener.accept(new MembershipEvent(type, member.snapshot()));
    }

    private static void checkMetaSize(NodeMeta meta) {
        int size = MessageCodec.metaSize(meta);
        if (size > MessageCodec.MAX_META_BYTES) {
            throw new IllegalArgumentException("node metadata is " + size + " bytes; the limit is "
                    + MessageCodec.MAX_META_BYTES);
        }
    }
}
