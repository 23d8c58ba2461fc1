package io.edgeswarm.agent.storage;

import java.util.regex.Pattern;

/** Human name of an artifact, mapped to a digest like a tag: {@code [a-z0-9][a-z0-9._/-]{0,199}} without {@code ..}. */
public record ArtifactName(String value) {

    private static final Pattern FORM = Pattern.compile("[a-z0-9][a-z0-9._/-]{0,199}");

    public ArtifactName {
        if (value == null || value.isEmpty()) {
            throw new InvalidInputException("artifact name is required");
        }
        if (!FORM.matcher(value).matches()) {
            throw new InvalidInputException("artifact name must match [a-z0-9][a-z0-9._/-]{0,199}, got '"
                    + Digest.abbreviate(value) + "'");
        }
        if (value.contains("..")) {
            throw new InvalidInputException("artifact name must not contain '..', got '" + value + "'");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
