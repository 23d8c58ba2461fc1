package io.edgeswarm.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The Helm chart, linted and rendered by Helm's own library (helm-java bundles it), for the default values and for
 * values that switch everything on; the rendered manifests are parsed and their essentials checked.
 */
class HelmChartTest {

    static final Path CHART = Path.of("..", "helm", "edgeswarm");
    /** helm-java's default kube version is older than the chart's minimum. */
    static final String KUBE = "v1.31.0";

    @Test
    void chartLintsCleanly() {
        LintResult result = new Helm(CHART).lint().strict().call();

        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    }

    @Test
    void defaultValuesRenderAgentsOnEveryNodeAndTheDashboard() {
        Manifests m = render(null);

        assertThat(m.kinds()).contains("DaemonSet", "Deployment", "Secret", "ServiceAccount", "ClusterRole",
                "ClusterRoleBinding", "PodDisruptionBudget").doesNotContain("StatefulSet", "Ingress",
                "ServiceMonitor", "PrometheusRule");

        Map<String, Object> ds = m.one("DaemonSet", "es-edgeswarm-agent");
        Map<String, Object> pod = m.map(ds, "spec", "template", "spec");
        Map<String, Object> agent = m.container(pod, "agent");
        assertThat(m.get(agent, "image")).isEqualTo("edgeswarm/agent:0.1.0");
        // Plain HTTP by default: no SSL bundle, probes on the API port.
        assertThat(m.env(agent)).doesNotContainKeys("SERVER_SSL_BUNDLE", "EDGESWARM_SECURITY_TRUSTEDKEYS");
        assertThat(m.get(agent, "readinessProbe", "httpGet", "port")).isEqualTo("http");
        // Non-root with a read-only root file system, writable /data and /tmp only.
        assertThat(m.get(pod, "securityContext", "runAsNonRoot")).isEqualTo(true);
        assertThat(m.get(pod, "securityContext", "runAsUser")).isEqualTo(10001);
        assertThat(m.get(agent, "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(m.get(agent, "securityContext", "allowPrivilegeEscalation")).isEqualTo(false);
        assertThat(m.list(agent, "volumeMounts")).extracting(v -> (Object) ((Map<?, ?>) v).get("mountPath"))
                .containsExactlyInAnyOrder("/data", "/tmp");
        // Probes on the actuator health groups.
        assertThat(m.get(agent, "livenessProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
        assertThat(m.get(agent, "readinessProbe", "httpGet", "path")).isEqualTo("/actuator/health/readiness");
        assertThat(m.get(agent, "resources", "limits", "memory")).isEqualTo("768Mi");
        // Gossip seeds through the headless Service; the zone from the node's topology label.
        Map<String, Object> env = m.env(agent);
        assertThat(env.get("EDGESWARM_GOSSIP_SEEDS"))
                .isEqualTo("es-edgeswarm-gossip.swarm.svc.cluster.local:7946");
        assertThat(env.get("EDGESWARM_KUBERNETES_ZONENODELABEL")).isEqualTo("topology.kubernetes.io/zone");
        assertThat(m.get(m.envEntry(agent, "EDGESWARM_KUBERNETES_NODENAME"), "valueFrom", "fieldRef", "fieldPath"))
                .isEqualTo("spec.nodeName");
        assertThat(m.get(m.envEntry(agent, "EDGESWARM_GOSSIP_CLUSTERKEY"), "valueFrom", "secretKeyRef", "name"))
                .isEqualTo("es-edgeswarm-secrets");
        // The store on the node, handed to the agent's user by a CHOWN-only init container.
        assertThat(m.get(m.volume(pod, "store"), "hostPath", "path")).isEqualTo("/var/lib/edgeswarm");
        assertThat(m.list(pod, "initContainers")).hasSize(1);

        Map<String, Object> gossip = m.one("Service", "es-edgeswarm-gossip");
        assertThat(m.get(gossip, "spec", "clusterIP")).isEqualTo("None");
        assertThat(m.get(gossip, "spec", "publishNotReadyAddresses")).isEqualTo(true);
        assertThat(m.list(gossip, "spec", "ports")).extracting(p -> (Object) ((Map<?, ?>) p).get("protocol"))
                .containsExactlyInAnyOrder("UDP", "TCP", "TCP");

        Map<String, Object> secret = m.one("Secret", "es-edgeswarm-secrets");
        assertThat(m.map(secret, "data")).containsKey("cluster-key").doesNotContainKey("write-token");
        assertThat(m.get(m.one("PodDisruptionBudget", "es-edgeswarm-agent"), "spec", "maxUnavailable"))
                .isEqualTo("10%");
        assertThat(m.env(m.container(m.map(m.one("Deployment", "es-edgeswarm-dashboard"), "spec", "template",
                "spec"), "dashboard")).get("EDGESWARM_DASHBOARD_AGENTS"))
                .isEqualTo("http://es-edgeswarm-gossip.swarm.svc.cluster.local:7700");
    }

    @Test
    void fullValuesRenderOriginIngressMonitoringAndEveryOption() {
        Manifests m = render(Path.of("src", "test", "resources", "full-values.yaml"));

        assertThat(m.kinds()).contains("StatefulSet", "Ingress", "ServiceMonitor", "PrometheusRule");
        Map<String, Object> origin = m.one("StatefulSet", "es-edgeswarm-origin");
        assertThat(m.get(origin, "spec", "replicas")).isEqualTo(2);
        assertThat(m.get(origin, "spec", "serviceName")).isEqualTo("es-edgeswarm-gossip");
        Map<String, Object> claim = (Map<String, Object>) m.list(origin, "spec", "volumeClaimTemplates").get(0);
        assertThat(m.get(claim, "spec", "resources", "requests", "storage")).isEqualTo("500Gi");
        assertThat(m.get(claim, "spec", "storageClassName")).isEqualTo("fast-ssd");
        Map<String, Object> originEnv = m.env(m.container(m.map(origin, "spec", "template", "spec"), "agent"));
        assertThat(originEnv).containsEntry("EDGESWARM_ZONE", "core").containsEntry("EDGESWARM_LABELS_ROLE", "origin")
                .doesNotContainKey("EDGESWARM_KUBERNETES_ZONENODELABEL");

        Map<String, Object> pod = m.map(m.one("DaemonSet", "es-edgeswarm-agent"), "spec", "template", "spec");
        Map<String, Object> agent = m.container(pod, "agent");
        assertThat(m.get(agent, "image")).isEqualTo("registry.example.com/edgeswarm/agent:1.2.3");
        assertThat(m.get(pod, "hostNetwork")).isEqualTo(true);
        assertThat(m.get(m.envEntry(agent, "EDGESWARM_ADVERTISEADDRESS"), "valueFrom", "fieldRef", "fieldPath"))
                .isEqualTo("status.hostIP");
        assertThat(m.env(agent)).containsEntry("EDGESWARM_LABELS_ROLE", "gpu")
                .containsEntry("EDGESWARM_STORAGE_MAXBYTES", "40GB")
                .containsEntry("EDGESWARM_TRANSFER_MAXUPLOADRATE", "100MB")
                .containsEntry("EDGESWARM_TRANSFER_UPLOADSLOTS", "32");
        assertThat(m.get(m.volume(pod, "store"), "emptyDir", "sizeLimit")).isEqualTo("50Gi");
        assertThat(pod).doesNotContainKey("initContainers");

        // Mutual TLS: the bundle from the mounted Secret, client certificates required, probes on the plain port.
        assertThat(m.env(agent)).containsEntry("SERVER_SSL_BUNDLE", "peers")
                .containsEntry("SERVER_SSL_CLIENTAUTH", "need")
                .containsEntry("EDGESWARM_SECURITY_TLSBUNDLE", "peers")
                .containsEntry("EDGESWARM_SECURITY_TLSVERIFYHOSTNAME", "false")
                .containsEntry("SPRING_SSL_BUNDLE_PEM_PEERS_KEYSTORE_CERTIFICATE", "file:/etc/edgeswarm/tls/tls.crt")
                .containsEntry("MANAGEMENT_SERVER_PORT", "7701")
                .containsEntry("EDGESWARM_SECURITY_TRUSTEDKEYS", "/etc/edgeswarm/trusted-keys");
        assertThat(m.get(m.volume(pod, "tls"), "secret", "secretName")).isEqualTo("edgeswarm-tls");
        assertThat(m.get(m.volume(pod, "trusted-keys"), "secret", "secretName")).isEqualTo("edgeswarm-trusted-keys");
        assertThat(m.get(agent, "readinessProbe", "httpGet", "port")).isEqualTo("management");
        assertThat(originEnv).containsEntry("EDGESWARM_SECURITY_SIGNINGKEY", "/etc/edgeswarm/signing/publisher.key");
        Map<String, Object> dashboard = m.container(m.map(m.one("Deployment", "es-edgeswarm-dashboard"), "spec",
                "template", "spec"), "dashboard");
        assertThat(m.env(dashboard)).containsEntry("EDGESWARM_DASHBOARD_TLSBUNDLE", "peers");
        assertThat((String) m.env(dashboard).get("EDGESWARM_DASHBOARD_AGENTS")).startsWith("https://");
        assertThat(m.list(m.one("ServiceMonitor", "es-edgeswarm"), "spec", "endpoints"))
                .extracting(e -> (Object) ((Map<?, ?>) e).get("port")).containsExactly("http", "management");

        Map<String, Object> secret = m.one("Secret", "es-edgeswarm-secrets");
        assertThat(m.map(secret, "data")).containsEntry("write-token",
                java.util.Base64.getEncoder().encodeToString("s3cret-token".getBytes()));
        Map<String, Object> ingress = m.one("Ingress", "es-edgeswarm-dashboard");
        assertThat(m.get(ingress, "spec", "ingressClassName")).isEqualTo("nginx");
        assertThat(m.map(ingress, "metadata", "annotations"))
                .containsEntry("nginx.ingress.kubernetes.io/proxy-buffering", "off");
        assertThat(m.map(m.one("ServiceMonitor", "es-edgeswarm"), "metadata", "labels"))
                .containsEntry("release", "prometheus");
        List<Object> rules = m.list((Map<String, Object>) m.list(m.one("PrometheusRule", "es-edgeswarm"), "spec",
                "groups").get(0), "rules");
        assertThat(rules).extracting(r -> (Object) ((Map<?, ?>) r).get("alert")).containsExactly("EdgeswarmMemberDead",
                "EdgeswarmVerificationFailures", "EdgeswarmDiskNearQuota");
    }

    @Test
    void valuesOutsideTheSchemaAreRefused() {
        assertThatThrownBy(() -> new Helm(CHART).template().withName("es").withKubeVersion(KUBE).set("agent.storage.type", "nfs").call())
                .hasMessageContaining("/agent/storage/type");
        assertThatThrownBy(() -> new Helm(CHART).template().withName("es").withKubeVersion(KUBE).set("security.clusterKey", "short")
                .call()).hasMessageContaining("/security/clusterKey");
    }

    /**
     * Renders the chart. Without a cluster key in the values the chart looks up the Secret of an earlier install (so
     * upgrades keep the key), and helm-java's template, unlike the helm CLI's, tries to reach a cluster for that; so
     * the default render passes a key, and the lint above covers the lookup path.
     */
    private static Manifests render(Path values) {
        var command = new Helm(CHART).template().withName("es").withNamespace("swarm").withKubeVersion(KUBE);
        if (values != null) {
            command = command.withValuesFile(values);
        } else {
            command = command.set("security.clusterKey", "a-cluster-key-for-the-default-render");
        }
        return Manifests.parse(command.call());
    }

    /** Rendered manifests as YAML maps, with small typed accessors. */
    @SuppressWarnings("unchecked")
    record Manifests(List<Map<String, Object>> documents) {

        static Manifests parse(String yaml) {
            List<Map<String, Object>> docs = new ArrayList<>();
            for (Object doc : new Yaml(new LoaderOptions()).loadAll(yaml)) {
                if (doc != null) {
                    docs.add((Map<String, Object>) doc);
                }
            }
            return new Manifests(docs);
        }

        List<String> kinds() {
            return documents.stream().map(d -> (String) d.get("kind")).toList();
        }

        Map<String, Object> one(String kind, String name) {
            return documents.stream().filter(d -> kind.equals(d.get("kind"))
                            && name.equals(get(d, "metadata", "name"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + kinds()));
        }

        Object get(Map<String, Object> node, String... path) {
            Object current = node;
            for (String key : path) {
                current = current == null ? null : ((Map<String, Object>) current).get(key);
            }
            return current;
        }

        Map<String, Object> map(Map<String, Object> node, String... path) {
            return (Map<String, Object>) Objects.requireNonNull(get(node, path), String.join(".", path));
        }

        List<Object> list(Map<String, Object> node, String... path) {
            return (List<Object>) Objects.requireNonNull(get(node, path), String.join(".", path));
        }

        Map<String, Object> container(Map<String, Object> podSpec, String name) {
            return named(list(podSpec, "containers"), name);
        }

        Map<String, Object> volume(Map<String, Object> podSpec, String name) {
            return named(list(podSpec, "volumes"), name);
        }

        Map<String, Object> envEntry(Map<String, Object> container, String name) {
            return named(list(container, "env"), name);
        }

        /** Plain-valued environment variables by name. */
        Map<String, Object> env(Map<String, Object> container) {
            Map<String, Object> env = new java.util.HashMap<>();
            for (Object entry : list(container, "env")) {
                Map<String, Object> e = (Map<String, Object>) entry;
                if (e.containsKey("value")) {
                    env.put((String) e.get("name"), e.get("value"));
                }
            }
            return env;
        }

        private static Map<String, Object> named(List<Object> items, String name) {
            return items.stream().map(i -> (Map<String, Object>) i).filter(i -> name.equals(i.get("name")))
                    .findFirst().orElseThrow(() -> new AssertionError("nothing named " + name));
        }
    }
}
