package io.edgeswarm.dashboard.config;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the dashboard watches a swarm ({@code edgeswarm.dashboard.*}).
 *
 * @param agents agent base URLs to learn the membership from; a DNS name stands for all its addresses
 * @param pollInterval how often the membership and every member's status are polled
 * @param requestTimeout timeout of one request to one agent
 * @param concurrency status requests in flight at once
 * @param history how long rate history is kept for the charts
 * @param pageSize rows per page in the member and artifact tables
 * @param stalledAfter a transfer that moved no byte for this long is reported as stalled
 * @param diskAlertRatio a member whose store is fuller than this share of its quota (or disk) raises an alert
 * @param tlsBundle Spring SSL bundle ({@code spring.ssl.bundle.*}) the dashboard presents to agents and trusts them
 *     by, for agents that require mutual TLS; blank means plain HTTP or the JDK's default trust
 * @param tlsVerifyHostname whether an agent's certificate must name the address it is reached at
 */
@Validated
@ConfigurationProperties("edgeswarm.dashboard")
public record DashboardProperties(
        @DefaultValue("http://localhost:7700") @NotEmpty List<String> agents,
        @DefaultValue("2s") @NotNull Duration pollInterval,
        @DefaultValue("2s") @NotNull Duration requestTimeout,
        @DefaultValue("32") @Min(1) @Max(1024) int concurrency,
        @DefaultValue("15m") @NotNull Duration history,
        @DefaultValue("50") @Min(5) @Max(1000) int pageSize,
        @DefaultValue("30s") @NotNull Duration stalledAfter,
        @DefaultValue("0.9") @DecimalMin("0.1") @DecimalMax("1.0") double diskAlertRatio,
        @DefaultValue("") String tlsBundle,
        @DefaultValue("true") boolean tlsVerifyHostname) {
}
