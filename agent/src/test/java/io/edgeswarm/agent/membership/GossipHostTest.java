package io.edgeswarm.agent.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The address a member gossips is an IP address, whatever form the advertise address takes. */
class GossipHostTest {

    @Test
    void ipAddressesAreWrittenAsTheTransportWritesDatagramSenders() throws Exception {
        assertThat(GossipService.gossipHost("10.1.2.3")).isEqualTo("10.1.2.3");
        // A notice counts only if its sender equals its member's address, so both must be in one form.
        for (String literal : new String[] {"10.1.2.3", "fd00::7", "::1"}) {
            NodeAddress sender = GossipTransport.toNode(new InetSocketAddress(InetAddress.getByName(literal), 7946));
            assertThat(GossipService.gossipHost(literal)).as(literal).isEqualTo(sender.host());
        }
        assertThat(GossipService.gossipHost("fd00::7")).isEqualTo("fd00:0:0:0:0:0:0:7");
    }

    @Test
    void hostNameIsResolvedOnceToAnIpAddress() throws Exception {
        String host = GossipService.gossipHost("localhost"); // from the hosts file, no DNS query

        assertThat(NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)).as(host).isTrue();
        assertThat(InetAddress.getByName(host).isLoopbackAddress()).isTrue();
    }
}
