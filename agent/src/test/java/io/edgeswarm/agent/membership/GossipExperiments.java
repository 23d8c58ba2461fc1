package io.edgeswarm.agent.membership;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;

/**
 * The experiments behind the membership proof, shared by the tests and the printed report
 * ({@link GossipReport}). Each builds a fresh seeded simulation, so results are reproducible.
 */
final class GossipExperiments {

    /** Simulated one-way latency on a site network: 1 ms plus up to 4 ms of jitter. */
    static final long LATENCY_MS = 1;
    static final long JITTER_MS = 4;
    private static final long WARMUP_MS = 5_000;

    private GossipExperiments() {
    }

    /** Records what each observer saw and checks that incarnations never go backwards. */
    static final class Recorder implements BiConsumer<Integer, MembershipEvent> {
        GossipSimulator sim;
        final Map<String, Long> lastIncarnation = new HashMap<>();
        int incarnationRegressions;
        final List<Seen> seen = new ArrayList<>();

        record Seen(long time, int observer, MembershipEvent event) {
        }

        @Override
        public void accept(Integer observer, MembershipEvent event) {
            String key = observer + "/" + event.member().id();
            Long last = lastIncarnation.put(key, event.member().incarnation());
            if (last != null && event.member().incarnation() < last) {
                incarnationRegressions++;
            }
            seen.add(new Seen(sim.now(), observer, event));
        }

        void clear() {
            seen.clear();
        }
    }

    static GossipSimulator simulation(long seed, SwimConfig config, int n, double loss, Recorder recorder) {
        GossipSimulator sim = new GossipSimulator(seed, config, n, LATENCY_MS, JITTER_MS, recorder);
        recorder.sim = sim;
        sim.setLossRate(loss);
        return sim;
    }

    /** Time for one metadata update from one member to reach all others. */
    record Dissemination(int n, double loss, int reached, long allReachedAfterMs, int incarnationRegressions) {
    }

    static Dissemination dissemination(long seed, SwimConfig config, int n, double loss) {
        Recorder recorder = new Recorder();
        GossipSimulator sim = simulation(seed, config, n, loss, recorder);
        sim.startConverged();
        sim.runFor(WARMUP_MS);
        recorder.clear();
        long start = sim.now();
        sim.nodes.get(0).node.updateMeta(NodeMeta.EMPTY.withLoad(42));
        Set<Integer> reached = new HashSet<>();
        long[] lastAt = {0};
        long limit = 60_000;
        sim.runFor(limit, 50, () -> recorder.seen.stream()
                .filter(s -> s.event().member().id().equals("node-0") && s.event().member().meta().load() == 42)
                .filter(s -> s.observer() != 0)
                .forEach(s -> {
                    if (reached.add(s.observer())) {
                        lastAt[0] = s.time() - start;
                    }
                }));
        return new Dissemination(n, loss, reached.size(), reached.size() == n - 1 ? lastAt[0] : -1,
                recorder.incarnationRegressions);
    }

    /** How fast crashed members are noticed (first suspicion anywhere) and declared dead by everyone. */
    record Detection(int n, double loss, int crashes, double firstProbePeriods, double firstSuspicionPeriods,
            long deadP50Ms, long deadP99Ms, int undetected, int falseDead) {
    }

    static Detection crashDetection(long seed, SwimConfig config, int n, double loss, int crashes) {
        Recorder recorder = new Recorder();
        GossipSimulator sim = simulation(seed, config, n, loss, recorder);
        SplittableRandom pick = new SplittableRandom(seed ^ 0x5DEECE66DL);
        sim.startConverged();
        sim.runFor(WARMUP_MS);
        recorder.clear();
        Set<Integer> crashed = new HashSet<>();
        while (crashed.size() < crashes) {
            crashed.add(pick.nextInt(n));
        }
        long crashAt = sim.now();
        crashed.forEach(sim::crash);
        sim.runFor(config.suspicionMinMs(n) * config.suspicionMaxTimeoutMult() + 30_000);

        List<Long> deadTimes = new ArrayList<>();
        double suspicionPeriods = 0;
        double probePeriods = 0;
        int undetected = 0;
        int falseDead = 0;
        for (int victim : crashed) {
            String id = GossipSimulator.nodeId(victim);
            long firstSuspect = recorder.seen.stream().filter(s -> s.event().member().id().equals(id)
                    && s.event().type() == MembershipEvent.Type.SUSPECT).mapToLong(Recorder.Seen::time).min()
                    .orElse(-1);
            suspicionPeriods += (firstSuspect - crashAt) / (double) config.probeIntervalMs();
            probePeriods += (sim.nodes.get(victim).firstPacketAfterCrash - crashAt)
                    / (double) config.probeIntervalMs();
            Map<Integer, Long> deadBy = new HashMap<>();
            recorder.seen.stream().filter(s -> s.event().member().id().equals(id)
                    && s.event().type() == MembershipEvent.Type.DEAD)
                    .forEach(s -> deadBy.putIfAbsent(s.observer(), s.time() - crashAt));
            for (int observer = 0; observer < n; observer++) {
                if (crashed.contains(observer)) {
                    continue;
                }
                Long t = deadBy.get(observer);
                if (t == null) {
                    undetected++;
                } else {
                    deadTimes.add(t);
                }
            }
        }
        falseDead = (int) recorder.seen.stream().filter(s -> s.event().type() == MembershipEvent.Type.DEAD
                && !crashed.contains(GossipSimulator.indexOf(s.event().member().id()))).count();
        long[] sorted = deadTimes.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Detection(n, loss, crashes, probePeriods / crashes, suspicionPeriods / crashes, percentile(sorted, 0.5),
                percentile(sorted, 0.99), undetected, falseDead);
    }

    /** Dead verdicts while nobody crashed: about members never paused (false) and about paused ones. */
    record FalsePositives(int n, double loss, boolean lifeguard, long durationMs, int healthyDeclaredDead,
            int pausedDeclaredDead, int pauses, double perMemberHour, int incarnationRegressions) {
    }

    static FalsePositives falsePositives(long seed, SwimConfig config, int n, double loss, double pausedFraction,
            long durationMs) {
        Recorder recorder = new Recorder();
        GossipSimulator sim = simulation(seed, config, n, loss, recorder);
        SplittableRandom chaos = new SplittableRandom(seed * 31 + 7);
        sim.startConverged();
        sim.runFor(WARMUP_MS);
        recorder.clear();
        long meanPauseMs = 6_000;
        double startChancePerSecond = pausedFraction * 1000.0 / meanPauseMs;
        int[] pauses = {0};
        sim.runFor(durationMs, 1000, () -> {
            for (GossipSimulator.SimNode node : sim.nodes) {
                if (!node.paused() && chaos.nextDouble() < startChancePerSecond) {
                    sim.pause(node.index, 2_000 + chaos.nextLong(8_001));
                    pauses[0]++;
                }
            }
        });
        Set<String> healthyVerdicts = new HashSet<>();
        Set<String> pausedVerdicts = new HashSet<>();
        for (Recorder.Seen s : recorder.seen) {
            if (s.event().type() != MembershipEvent.Type.DEAD) {
                continue;
            }
            Member member = s.event().member();
            String verdict = member.id() + "@" + member.incarnation();
            if (sim.nodes.get(GossipSimulator.indexOf(member.id())).everPaused) {
                pausedVerdicts.add(verdict);
            } else {
                healthyVerdicts.add(verdict);
            }
        }
        double memberHours = n * durationMs / 3_600_000.0;
        return new FalsePositives(n, loss, config.lifeguard(), durationMs, healthyVerdicts.size(),
                pausedVerdicts.size(), pauses[0], healthyVerdicts.size() / memberHours,
                recorder.incarnationRegressions);
    }

    /** A 50/50 partition long enough for each side to declare the other dead, then lifted. */
    record PartitionHeal(int n, long partitionMs, boolean splitObserved, long healedAfterMs) {
    }

    static PartitionHeal partitionHeal(long seed, SwimConfig config, int n, long partitionMs, long limitMs) {
        Recorder recorder = new Recorder();
        GossipSimulator sim = simulation(seed, config, n, 0, recorder);
        sim.startConverged();
        sim.runFor(WARMUP_MS);
        int[] groups = new int[n];
        for (int i = 0; i < n; i++) {
            groups[i] = i < n / 2 ? 0 : 1;
        }
        sim.partition(groups);
        sim.runFor(partitionMs);
        boolean split = sim.nodes.get(0).node.members().stream()
                .filter(m -> m.state() == MemberState.ALIVE).count() <= n / 2;
        sim.partition(null);
        long lifted = sim.now();
        long[] healedAt = {-1};
        sim.runFor(limitMs, 500, () -> {
            if (healedAt[0] < 0 && allSeeAllAlive(sim)) {
                healedAt[0] = sim.now() - lifted;
            }
        });
        return new PartitionHeal(n, partitionMs, split, healedAt[0]);
    }

    static boolean allSeeAllAlive(GossipSimulator sim) {
        int n = sim.nodes.size();
        for (GossipSimulator.SimNode node : sim.nodes) {
            long alive = node.node.members().stream().filter(m -> m.state() == MemberState.ALIVE).count();
            if (alive != n) {
                return false;
            }
        }
        return true;
    }

    /** Steady-state protocol cost per member. */
    record Load(int n, double packetsPerMemberSecond, double bytesPerMemberSecond) {
    }

    static Load steadyLoad(long seed, SwimConfig config, int n, long durationMs) {
        Recorder recorder = new Recorder();
        GossipSimulator sim = simulation(seed, config, n, 0, recorder);
        sim.startConverged();
        sim.runFor(WARMUP_MS);
        long packets = sim.packetsSent + sim.streamsSent;
        long bytes = sim.bytesSent;
        sim.runFor(durationMs);
        double memberSeconds = n * durationMs / 1000.0;
        return new Load(n, (sim.packetsSent + sim.streamsSent - packets) / memberSeconds,
                (sim.bytesSent - bytes) / memberSeconds);
    }

    /** Members learn of each other from one seed. */
    static long timeToConvergeByJoining(long seed, SwimConfig config, int n, long limitMs) {
        Recorder recorder = new Recorder();
        GossipSimulator sim = simulation(seed, config, n, 0, recorder);
        sim.startByJoining();
        long[] at = {-1};
        sim.runFor(limitMs, 250, () -> {
            if (at[0] < 0 && allSeeAllAlive(sim)) {
                at[0] = sim.now();
            }
        });
        return at[0];
    }

    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    static String describe(Object result) {
        return result.toString() + (result instanceof long[] a ? Arrays.toString(a) : "");
    }
}
