package io.edgeswarm.agent.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** Reads and writes manifests as JSON, the same form the HTTP API serves. */
final class ManifestCodec {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ManifestCodec() {
    }

    static byte[] toJson(Manifest manifest) {
        return JSON.writeValueAsBytes(manifest);
    }

    static Manifest fromJson(byte[] json) {
        try {
            return JSON.readValue(json, Manifest.class);
        } catch (JacksonException e) {
            throw new InvalidInputException("manifest is not valid: " + e.getOriginalMessage());
        }
    }

    static Manifest read(Path file) throws IOException {
        return fromJson(Files.readAllBytes(file));
    }
}
