package io.edgeswarm.dashboard.view;

/** The short form of an artifact digest that pages and alerts show: the 12 hex characters after "sha256:". */
public final class DigestLabel {

    private static final int PREFIX = "sha256:".length();
    private static final int SHOWN = 12;

    private DigestLabel() {
    }

    /** The short form, or {@code digest} itself (null included) when it is too short to have one. */
    public static String of(String digest) {
        return digest != null && digest.length() > PREFIX + SHOWN ? digest.substring(PREFIX, PREFIX + SHOWN) : digest;
    }
}
