package io.edgeswarm.agent.storage;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/** Content address of an artifact or chunk: {@code sha256:<64 lowercase hex>}, the value {@code sha256sum} prints. */
public record Digest(String hex) {

    public static final String PREFIX = "sha256:";
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public Digest {
        Objects.requireNonNull(hex, "hex");
        if (!isHex64(hex)) {
            throw new InvalidInputException("digest must be 64 lowercase hex characters, got '" + abbreviate(hex) + "'");
        }
    }

    /** Parses {@code sha256:<hex>}; anything else is rejected with a message fit for an HTTP 400. */
    @JsonCreator
    public static Digest parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            throw new InvalidInputException("digest must look like 'sha256:<64 hex>', got '" + abbreviate(text) + "'");
        }
        return new Digest(text.substring(PREFIX.length()));
    }

    public static Digest of(byte[] sha256) {
        if (sha256.length != 32) {
            throw new IllegalArgumentException("SHA-256 is 32 bytes, got " + sha256.length);
        }
        return new Digest(HexFormat.of().formatHex(sha256));
    }

    /** Whether {@code text} is 64 lowercase hex characters, the form of a SHA-256 digest or state. */
    static boolean isHex64(String text) {
        return HEX64.matcher(text).matches();
    }

    /** First 12 hex characters, for logs and UIs. */
    public String shortForm() {
        return hex.substring(0, 12);
    }

    @JsonValue
    @Override
    public String toString() {
        return PREFIX + hex;
    }

    static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
