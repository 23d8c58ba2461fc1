package io.edgeswarm.agent.config;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.Map;

/**
 * Who this agent is: its id, zone and labels, with the id defaulted to the host name and the zone read from the
 * node's label when running in Kubernetes with {@code edgeswarm.kubernetes.zone-node-label} set.
 */
public record NodeIdentity(String nodeId, String zone, Map<String, String> labels, String advertiseAddress) {

    public static NodeIdentity from(EdgeswarmProperties properties) {
        String id = properties.nodeId().isBlank() ? hostName() : properties.nodeId();
        String address = properties.advertiseAddress().isBlank() ? firstNonLoopbackAddress()
                : properties.advertiseAddress();
        String zone = new NodeZoneLookup(properties.kubernetes()).zone().orElse(properties.zone());
        return new NodeIdentity(id, zone, properties.labels(), address);
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "edgeswarm-agent" : env;
        }
    }

    static String firstNonLoopbackAddress() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address.getAddress().length == 4 && !address.isLinkLocalAddress()) {
                        return address.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // fall through to loopback: a single-host swarm still works
        }
        return InetAddress.getLoopbackAddress().getHostAddress();
    }
}
