package io.edgeswarm.dashboard.view;

/** Something an operator should look at; {@code link} points to the page that explains it. */
public record Alert(String severity, String message, String link) {
}
