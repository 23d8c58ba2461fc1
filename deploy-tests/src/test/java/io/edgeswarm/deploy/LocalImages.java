package io.edgeswarm.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The agent and dashboard images, built in this build from the modules' Dockerfiles and jars, once per test JVM.
 * The base image comes from {@code BASE_IMAGE} (default: the locally built {@code edgeswarm/jre17-base:local},
 * see .ci/docker-base-image.sh), since machines here cannot pull from a registry. Docker must answer: a test that
 * needs it fails rather than skips.
 */
final class LocalImages {

    static final String AGENT = "edgeswarm/agent:it";
    static final String DASHBOARD = "edgeswarm/dashboard:it";
    static final String BASE = System.getenv().getOrDefault("BASE_IMAGE", "edgeswarm/jre17-base:local");

    private static boolean built;

    private LocalImages() {
    }

    static synchronized void build() {
        if (built) {
            return;
        }
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException("these tests need a Docker engine (.ci/docker-up.sh starts one)");
        }
        var client = DockerClientFactory.instance().client();
        if (client.listImagesCmd().withReferenceFilter(BASE).exec().isEmpty()) {
            throw new IllegalStateException("base image " + BASE + " is missing: run .ci/docker-base-image.sh, or set"
                    + " BASE_IMAGE to an image this engine has (eclipse-temurin:17-jre where a registry is reachable)");
        }
        image(AGENT, "agent");
        image(DASHBOARD, "dashboard");
        built = true;
    }

    private static void image(String tag, String module) {
        Path dir = Path.of("..", module);
        Path jar = dir.resolve("target").resolve("edgeswarm-" + module + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: ./mvnw verify builds it first");
        }
        new ImageFromDockerfile(tag, false)
                .withFileFromPath("Dockerfile", dir.resolve("Dockerfile"))
                .withFileFromPath("target/edgeswarm-" + module + ".jar", jar)
                .withBuildArg("BASE_IMAGE", BASE)
                .get();
    }
}
