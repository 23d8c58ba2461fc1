package io.edgeswarm.agent.membership;

import io.edgeswarm.agent.membership.Message.Notice;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * CPU the gossip sockets' event loops spend per notice datagram (sent and received), on loopback: one transport tells
 * the same notice to each of {@code recipients} others, {@code rate} notices a second, and the CPU time of every thread
 * whose name holds "udp" is divided by the datagrams that arrived. A warm-up at ten times the rate comes first, so the
 * JIT has compiled the path. Run with
 * {@code ./mvnw -q -pl agent test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.edgeswarm.agent.membership.GossipLoopCost [-Dexec.args="12 100 30"]}
 * (recipients, notices a second, seconds measured); docs/benchmarks.md, thirty-sixth round.
 */
public final class GossipLoopCost {

    private static final String HOST = "127.0.0.1";
    private static final int WARM_UP_SECONDS = 20;
    private static final int WARM_UP_RATE_FACTOR = 10;
    private static final int TICK_MS = 10;
    /** A notice as a download sends it: version, digest, uploads, three chunk indices. */
    private static final int NOTICE_BODY_BYTES = 1 + 32 + 2 + 2 + 3 * 4;

    private GossipLoopCost() {
    }

    public static void main(String[] args) throws Exception {
        int recipients = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        LongAdder arrived = new LongAdder();
        GossipTransport.Receiver counter = new GossipTransport.Receiver() {
            @Override
            public void packet(NodeAddress from, byte[] bytes) {
                arrived.increment();
            }

            @Override
            public void stream(NodeAddress from, byte[] bytes) {
            }
        };
        List<GossipTransport> transports = new ArrayList<>();
        try {
            GossipTransport sender = new GossipTransport(HOST, 0, null, counter);
            transports.add(sender);
            sender.start();
            List<NodeAddress> targets = new ArrayList<>();
            for (int i = 0; i < recipients; i++) {
                GossipTransport recipient = new GossipTransport(HOST, 0, null, counter);
                transports.add(recipient);
                targets.add(new NodeAddress(HOST, recipient.start()));
            }
            byte[] packet = MessageCodec.encode(new Notice("sender", new byte[NOTICE_BODY_BYTES]));

            run(sender, targets, packet, rate * WARM_UP_RATE_FACTOR, WARM_UP_SECONDS);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long cpuBefore = udpThreadsCpuNanos(threads);
            long arrivedBefore = arrived.sum();
            long sent = run(sender, targets, packet, rate, seconds);
            long cpu = udpThreadsCpuNanos(threads) - cpuBefore;
            long datagrams = arrived.sum() - arrivedBefore;
            System.out.printf("%d recipients, %d notices/s, %d s: %d datagrams arrived of %d sent;"
                    + " udp event loops %.3f CPU-s, %.2f us per datagram%n", recipients, rate, seconds, datagrams,
                    sent, cpu / 1e9, datagrams == 0 ? 0 : cpu / 1e3 / datagrams);
        } finally {
            transports.forEach(GossipTransport::close);
        }
    }

    /**
     * Sends {@code rate} notices a second for {@code seconds}, in ticks on the sender's loop, as a download would;
     * returns the datagrams sent.
     */
    private static long run(GossipTransport sender, List<NodeAddress> targets, byte[] packet, int rate, int seconds)
            throws InterruptedException {
        int perTick = Math.max(1, rate * TICK_MS / 1000);
        LongAdder sent = new LongAdder();
        ScheduledFuture<?> ticks = sender.eventLoop().scheduleAtFixedRate(() -> {
            for (int i = 0; i < perTick; i++) {
                sender.sendPackets(targets, packet);
                sent.add(targets.size());
            }
        }, 0, TICK_MS, TimeUnit.MILLISECONDS);
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        ticks.cancel(false);
        Thread.sleep(TICK_MS * 50L); // the last datagrams land
        return sent.sum();
    }

    private static long udpThreadsCpuNanos(ThreadMXBean threads) {
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().contains("udp")) {
                total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }
}
