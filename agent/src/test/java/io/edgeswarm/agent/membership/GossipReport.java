package io.edgeswarm.agent.membership;

/**
 * Prints the simulator's table for the membership issue. Run with
 * {@code ./mvnw -q -pl agent test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.edgeswarm.agent.membership.GossipReport [-Dexec.args="100 1000"]}.
 */
public final class GossipReport {

    private GossipReport() {
    }

    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[] {100, 1000} : java.util.Arrays.stream(args)
                .mapToInt(Integer::parseInt).toArray();
        SwimConfig lan = SwimConfig.lan();
        System.out.println("| N | loss | first probe of the crashed / first suspicion (probe periods) | dead by all p50 / p99 | full dissemination |"
                + " false dead per member-hour (Lifeguard on / off) | packets per member-s | bytes per member-s |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (int n : sizes) {
            var load = GossipExperiments.steadyLoad(1, lan, n, 30_000);
            for (double loss : new double[] {0.0, 0.05}) {
                long started = System.nanoTime();
                var detection = GossipExperiments.crashDetection(2, lan, n, loss, 5);
                var dissemination = GossipExperiments.dissemination(3, lan, n, loss);
                String fp = "-";
                if (loss > 0) {
                    long duration = n <= 100 ? 600_000 : 120_000;
                    var on = GossipExperiments.falsePositives(4, lan, n, loss, 0.01, duration);
                    var off = GossipExperiments.falsePositives(4, lan.withLifeguard(false), n, loss, 0.01, duration);
                    fp = String.format("%.2f / %.2f (paused members declared dead: %d of %d pauses / %d of %d)",
                            on.perMemberHour(), off.perMemberHour(), on.pausedDeclaredDead(), on.pauses(),
                            off.pausedDeclaredDead(), off.pauses());
                }
                System.out.printf("| %d | %.0f%% | %.2f / %.2f | %.1f s / %.1f s | %.1f s | %s | %.2f | %.0f |%n", n,
                        loss * 100, detection.firstProbePeriods(), detection.firstSuspicionPeriods(), detection.deadP50Ms() / 1000.0,
                        detection.deadP99Ms() / 1000.0, dissemination.allReachedAfterMs() / 1000.0, fp,
                        load.packetsPerMemberSecond(), load.bytesPerMemberSecond());
                System.err.printf("(N=%d loss=%.2f took %.1f s of wall time)%n", n, loss,
                        (System.nanoTime() - started) / 1e9);
            }
        }
        double probePeriods = 0;
        double suspicionPeriods = 0;
        int trials = 30;
        for (int seed = 0; seed < trials; seed++) {
            var one = GossipExperiments.crashDetection(100 + seed, lan, 100, 0, 1);
            probePeriods += one.firstProbePeriods();
            suspicionPeriods += one.firstSuspicionPeriods();
        }
        System.out.printf("first detection, N=100, mean of %d single crashes: first ping %.2f periods after the crash,"
                + " first suspicion %.2f periods%n", trials, probePeriods / trials, suspicionPeriods / trials);
        for (int n : sizes) {
            var heal = GossipExperiments.partitionHeal(5, lan, n, 30_000, 180_000);
            System.out.printf("partition N=%d for 30 s: split observed %s, healed %.1f s after lifting%n", n,
                    heal.splitObserved(), heal.healedAfterMs() / 1000.0);
        }
    }
}
