package io.edgeswarm.agent.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gossip sockets on loopback: real UDP and TCP, no protocol on top. */
class GossipTransportTest {

    private static final String HOST = "127.0.0.1";
    private static final long WAIT_S = 5;
    private static final long QUIET_MS = 300;
    private static final String SECRET = "transport-secret-0123456789";

    private final List<GossipTransport> started = new ArrayList<>();

    @AfterEach
    void closeAll() {
        started.forEach(GossipTransport::close);
    }

    @Test
    void oneDatagramReachesEachTargetOnce() throws Exception {
        Endpoint sender = start(null);
        List<Endpoint> targets = List.of(start(null), start(null), start(null));
        byte[] notice = "notice: chunks 3, 5 and 8".getBytes(StandardCharsets.UTF_8);

        sender.transport.eventLoop().execute(() -> sender.transport.sendPackets(
                targets.stream().map(target -> target.address).toList(), notice));

        for (Endpoint target : targets) {
            Received received = target.packets.poll(WAIT_S, TimeUnit.SECONDS);
            assertThat(received).as("datagram at port %d", target.address.port()).isNotNull();
            assertThat(received.bytes()).isEqualTo(notice);
            assertThat(received.from()).isEqualTo(sender.address);
            assertThat(target.packets.poll(QUIET_MS, TimeUnit.MILLISECONDS)).as("a second copy").isNull();
        }
    }

    @Test
    void sendFromAnotherThreadMovesOntoTheSocketsLoop() throws Exception {
        Endpoint sender = start(null);
        Endpoint target = start(null);
        byte[] ping = "ping from the test thread".getBytes(StandardCharsets.UTF_8);

        sender.transport.sendPacket(target.address, ping);

        Received received = target.packets.poll(WAIT_S, TimeUnit.SECONDS);
        assertThat(received).isNotNull();
        assertThat(received.bytes()).isEqualTo(ping);
    }

    @Test
    void sealedDatagramsOpenWithTheClusterKeyAndOthersAreDroppedAndCounted() throws Exception {
        Endpoint sender = start(new PacketCipher(SECRET, List.of()));
        Endpoint sameKey = start(new PacketCipher(SECRET, List.of()));
        Endpoint otherKey = start(new PacketCipher("another-secret-9876543210", List.of()));
        byte[] ping = "ping".getBytes(StandardCharsets.UTF_8);

        sender.transport.eventLoop().execute(() -> sender.transport.sendPackets(
                List.of(sameKey.address, otherKey.address), ping));

        Received received = sameKey.packets.poll(WAIT_S, TimeUnit.SECONDS);
        assertThat(received).isNotNull();
        assertThat(received.bytes()).isEqualTo(ping);
        assertThat(otherKey.packets.poll(QUIET_MS, TimeUnit.MILLISECONDS)).isNull();
        assertThat(otherKey.transport.droppedUnauthenticated.sum()).isEqualTo(1);
    }

    @Test
    void targetByHostNameIsDroppedAndCountedNotLookedUp() throws Exception {
        Endpoint sender = start(null);
        Endpoint target = start(null);
        byte[] ping = "ping".getBytes(StandardCharsets.UTF_8);

        // "localhost" would resolve to the target; a datagram to it proves it was never looked up.
        sender.transport.sendPackets(List.of(new NodeAddress("localhost", target.address.port()), target.address),
                ping);

        Received received = target.packets.poll(WAIT_S, TimeUnit.SECONDS);
        assertThat(received).as("the datagram to the IP address").isNotNull();
        assertThat(target.packets.poll(QUIET_MS, TimeUnit.MILLISECONDS)).as("a datagram to the name").isNull();
        assertThat(sender.transport.droppedNotIp.sum()).isEqualTo(1);
    }

    @Test
    void oversizeDatagramIsDroppedAndCounted() throws Exception {
        Endpoint target = start(null);
        byte[] oversize = new byte[GossipTransport.MAX_DATAGRAM + 1];
        byte[] small = "ack".getBytes(StandardCharsets.UTF_8);

        try (DatagramSocket raw = new DatagramSocket(0, InetAddress.getByName(HOST))) {
            InetAddress to = InetAddress.getByName(HOST);
            raw.send(new DatagramPacket(oversize, oversize.length, to, target.address.port()));
            raw.send(new DatagramPacket(small, small.length, to, target.address.port()));
        }

        Received received = target.packets.poll(WAIT_S, TimeUnit.SECONDS);
        assertThat(received).isNotNull();
        assertThat(received.bytes()).isEqualTo(small);
        assertThat(target.transport.droppedOversize.sum()).isEqualTo(1);
    }

    @Test
    void streamListenerSharesTheDatagramPort() throws Exception {
        Endpoint target = start(null);

        try (Socket connected = new Socket(HOST, target.address.port())) {
            assertThat(connected.isConnected()).isTrue();
        }
    }

    @Test
    void takenPortIsNamedInTheError() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getByName(HOST))) {
            GossipTransport transport = new GossipTransport(HOST, taken.getLocalPort(), null, new Collector());

            assertThatThrownBy(transport::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(HOST + ":" + taken.getLocalPort());
        }
    }

    private Endpoint start(PacketCipher cipher) {
        Collector collector = new Collector();
        GossipTransport transport = new GossipTransport(HOST, 0, cipher, collector);
        started.add(transport);
        int port = transport.start();
        return new Endpoint(transport, new NodeAddress(HOST, port), collector.packets);
    }

    private record Endpoint(GossipTransport transport, NodeAddress address, BlockingQueue<Received> packets) {
    }

    private record Received(NodeAddress from, byte[] bytes) {
    }

    private static final class Collector implements GossipTransport.Receiver {
        final BlockingQueue<Received> packets = new LinkedBlockingQueue<>();

        @Override
        public void packet(NodeAddress from, byte[] bytes) {
            packets.add(new Received(from, bytes));
        }

        @Override
        public void stream(NodeAddress from, byte[] bytes) {
        }
    }
}
