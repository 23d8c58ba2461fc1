package io.edgeswarm.agent.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private network of hosts on this machine: one network namespace per host, all on a bridge that lives in a
 * namespace of its own, plus one link from this (the test's) namespace so the test can reach every host. Partitions
 * are blackhole routes inside the hosts, so no firewall is touched. Needs root; everything is removed on close.
 */
final class NetnsLab implements AutoCloseable {

    private static final String PREFIX = "esf-";
    private static final String BRIDGE_NS = PREFIX + "br";
    private static final String ROOT_LINK = PREFIX + "root";
    private static final String SUBNET = "10.79.0.";
    private static final int COMMAND_TIMEOUT_S = 20;

    private final int hosts;

    private NetnsLab(int hosts) {
        this.hosts = hosts;
    }

    static NetnsLab create(int hosts) throws IOException {
        String uid = run(false, "id", "-u").trim();
        if (!uid.equals("0")) {
            throw new IllegalStateException("fault injection needs root for network namespaces and tmpfs mounts "
                    + "(uid is " + uid + "); CI runs it as root");
        }
        NetnsLab lab = new NetnsLab(hosts);
        lab.removeLeftovers();
        sh("ip netns add " + BRIDGE_NS);
        sh("ip -n " + BRIDGE_NS + " link add br0 type bridge stp_state 0 forward_delay 0");
        sh("ip -n " + BRIDGE_NS + " link set br0 up");
        sh("ip -n " + BRIDGE_NS + " link set lo up");
        sh("ip link add " + ROOT_LINK + " type veth peer name proot netns " + BRIDGE_NS);
        sh("ip addr add " + SUBNET + "254/24 dev " + ROOT_LINK);
        sh("ip link set " + ROOT_LINK + " up");
        sh("ip -n " + BRIDGE_NS + " link set proot master br0 up");
        for (int i = 0; i < hosts; i++) {
            String ns = namespace(i);
            sh("ip netns add " + ns);
            sh("ip link add " + PREFIX + "tmp type veth peer name p" + i + " netns " + BRIDGE_NS);
            sh("ip link set " + PREFIX + "tmp netns " + ns);
            sh("ip -n " + ns + " link set " + PREFIX + "tmp name eth0");
            sh("ip -n " + ns + " addr add " + ip(i) + "/24 dev eth0");
            sh("ip -n " + ns + " link set eth0 up");
            sh("ip -n " + ns + " link set lo up");
            sh("ip -n " + BRIDGE_NS + " link set p" + i + " master br0 up");
        }
        return lab;
    }

    static String namespace(int host) {
        return PREFIX + "h" + host;
    }

    static String ip(int host) {
        return SUBNET + (10 + host);
    }

    /** Cuts every host in {@code side} off from every host in {@code other}, both ways; each side still works. */
    void partition(List<Integer> side, List<Integer> other) throws IOException {
        routes("add", side, other);
    }

    void heal(List<Integer> side, List<Integer> other) throws IOException {
        routes("del", side, other);
    }

    private void routes(String verb, List<Integer> side, List<Integer> other) throws IOException {
        for (int a : side) {
            for (int b : other) {
                sh("ip -n " + namespace(a) + " route " + verb + " blackhole " + ip(b) + "/32");
                sh("ip -n " + namespace(b) + " route " + verb + " blackhole " + ip(a) + "/32");
            }
        }
    }

    @Override
    public void close() throws IOException {
        removeLeftovers();
    }

    /** Removes this lab's namespaces and link, including any left by a run that was killed. */
    private void removeLeftovers() throws IOException {
        List<String> existing = new ArrayList<>(run(false, "ip", "netns", "list").lines()
                .map(line -> line.split(" ")[0]).filter(name -> name.startsWith(PREFIX)).toList());
        for (String ns : existing) {
            run(false, "ip", "netns", "del", ns);
        }
        if (run(false, "ip", "link", "show").contains(ROOT_LINK + "@")) {
            run(false, "ip", "link", "del", ROOT_LINK);
        }
    }

    static void sh(String command) throws IOException {
        run(true, command.split(" "));
    }

    static String run(boolean check, String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(COMMAND_TIMEOUT_S, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in " + COMMAND_TIMEOUT_S + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (check && process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + process.exitValue() + "): " + output);
        }
        return output;
    }

    int hosts() {
        return hosts;
    }
}
