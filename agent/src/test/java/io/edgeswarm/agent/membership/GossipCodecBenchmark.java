package io.edgeswarm.agent.membership;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gossip codec: a typical datagram (a ping with piggybacked alive updates carrying full metadata, under the
 * 1400-byte budget) and a 1,000-member push-pull state sync, each encoded and decoded.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GossipCodecBenchmark {

    private Message datagram;
    private Message pushPull;
    private byte[] datagramBytes;
    private byte[] pushPullBytes;

    @Setup
    public void setUp() {
        NodeMeta meta = new NodeMeta("http://10.0.12.34:7700", "eu-west-1b", Map.of("role", "gpu", "tier", "edge"),
                25, new byte[200]);
        List<Message> parts = new ArrayList<>();
        parts.add(new Message.Ping(42, "node-0017", "node-0003"));
        for (int i = 0; i < 3; i++) {
            parts.add(new Message.Alive(7 + i, "node-01" + i, new NodeAddress("10.0.12." + i, 7946), meta));
        }
        datagram = new Message.Compound(parts);
        List<Message.MemberEntry> members = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            members.add(new Message.MemberEntry("node-" + i, new NodeAddress("10.0." + i / 250 + "." + i % 250, 7946),
                    i, MemberState.ALIVE, meta));
        }
        pushPull = new Message.PushPull(false, false, members);
        datagramBytes = MessageCodec.encode(datagram);
        pushPullBytes = MessageCodec.encode(pushPull);
        if (datagramBytes.length > 1400) {
            throw new IllegalStateException("datagram of " + datagramBytes.length + " bytes");
        }
    }

    @Benchmark
    public byte[] encodeDatagram() {
        return MessageCodec.encode(datagram);
    }

    @Benchmark
    public Message decodeDatagram() throws MalformedMessageException {
        return MessageCodec.decode(datagramBytes);
    }

    @Benchmark
    public byte[] encodePushPull1000() {
        return MessageCodec.encode(pushPull);
    }

    @Benchmark
    public Message decodePushPull1000() throws MalformedMessageException {
        return MessageCodec.decode(pushPullBytes);
    }
}
