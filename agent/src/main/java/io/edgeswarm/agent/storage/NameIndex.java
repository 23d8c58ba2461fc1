package io.edgeswarm.agent.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Names mapped to digests, like tags: a later publish under the same name moves it. Persisted as one JSON file,
 * rewritten atomically on every change; a name carries the time it was set so the newest mapping wins when names
 * are merged from peers.
 */
final class NameIndex {

    private static final Logger log = LoggerFactory.getLogger(NameIndex.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One mapping; {@code updatedAt} orders concurrent mappings of one name. */
    record Entry(Digest digest, Instant updatedAt) {
    }

    private final Path file;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    NameIndex(Path file) {
        this.file = file;
    }

    void load() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        try {
            Map<String, Entry> read = JSON.readValue(Files.readAllBytes(file), new TypeReference<Map<String, Entry>>() {
            });
            read.forEach((name, entry) -> {
                try {
                    new ArtifactName(name);
                    entries.put(name, entry);
                } catch (InvalidInputException e) {
                    log.warn("Dropping invalid name '{}' from {}: {}", name, file, e.getMessage());
                }
            });
        } catch (JacksonException e) {
            // The file is only ever replaced by an atomic rename, so this is outside damage: keep the store usable.
            log.error("Name index {} is unreadable ({}); starting with no names", file, e.getOriginalMessage());
        }
    }

    Optional<Entry> resolve(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    synchronized void put(String name, Digest digest, Instant at) throws IOException {
        entries.put(name, new Entry(digest, at));
        persist();
    }

    synchronized void removeDigest(Digest digest) throws IOException {
        if (entries.values().removeIf(entry -> entry.digest().equals(digest))) {
            persist();
        }
    }

    Map<String, Entry> snapshot() {
        return Map.copyOf(entries);
    }

    private void persist() throws IOException {
        AtomicFiles.write(file, JSON.writeValueAsBytes(new TreeMap<>(entries)));
    }
}
