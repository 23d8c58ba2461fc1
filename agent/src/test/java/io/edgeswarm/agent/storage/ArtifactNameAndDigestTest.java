package io.edgeswarm.agent.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArtifactNameAndDigestTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "models/llama-3.bin", "0", "release/v1.2.3/bundle.tar.gz", "a_b"})
    void acceptsWellFormedNames(String name) {
        assertThat(new ArtifactName(name).value()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "A", "-a", ".a", "/a", "a..b", "a/../b", "a b", "ä", "a\nb", "a?b"})
    void refusesMalformedNames(String name) {
        assertThatThrownBy(() -> new ArtifactName(name)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void acceptsNamesOf200Characters() {
        assertThat(new ArtifactName("a".repeat(200)).value()).hasSize(200);
    }

    @Test
    void refusesNamesLongerThan200Characters() {
        assertThatThrownBy(() -> new ArtifactName("a".repeat(201))).isInstanceOf(InvalidInputException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sha256:", "sha256:abc", "md5:" + "0123456789abcdef0123456789abcdef",
            "sha256:" + "G123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "sha256:" + "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"})
    void refusesMalformedDigests(String digest) {
        assertThatThrownBy(() -> Digest.parse(digest)).isInstanceOf(InvalidInputException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"})
    void digestsRoundTripThroughText(String digest) {
        assertThat(Digest.parse(digest).toString()).isEqualTo(digest);
    }
}
