package io.edgeswarm.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.edgeswarm.agent.storage.Digest;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The request trace writes the fields bench/request-trace.py parses, and nothing unless its level is set. */
class RequestTraceTest {

    private static final Digest ARTIFACT = Digest.parse("sha256:" + "ab".repeat(32));

    private final Logger logger = (Logger) LoggerFactory.getLogger(RequestTrace.class);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private Level before;

    @BeforeEach
    void capture() {
        before = logger.getLevel();
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
        logger.setLevel(before);
    }

    @Test
    void atTraceEveryRequestAndOutcomeIsOneLineWithItsFields() {
        logger.setLevel(Level.TRACE);
        RequestTrace trace = new RequestTrace(ARTIFACT);
        long from = System.currentTimeMillis();

        trace.requested(7, "h3", 2);
        trace.arrived(7, "h3", 120, 35);
        trace.ended(9, "h0", "SentAlreadyException");

        List<String> messages = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(messages).hasSize(3);
        String prefix = "artifact=" + ARTIFACT.shortForm();
        assertThat(messages.get(0)).startsWith("request " + prefix + " chunk=7 peer=h3 at=").endsWith(" inflight=2");
        assertThat(messages.get(1)).startsWith("arrived " + prefix + " chunk=7 peer=h3 at=")
                .endsWith(" elapsed=120 first-byte=35");
        assertThat(messages.get(2)).startsWith("ended " + prefix + " chunk=9 peer=h0 at=")
                .endsWith(" outcome=SentAlreadyException");
        long at = Long.parseLong(messages.get(0).replaceAll(".* at=(\\d+) .*", "$1"));
        assertThat(at).isBetween(from, System.currentTimeMillis());
    }

    @Test
    void belowTraceNothingIsWritten() {
        logger.setLevel(Level.DEBUG);
        RequestTrace trace = new RequestTrace(ARTIFACT);

        trace.requested(1, "h1", 1);
        trace.arrived(1, "h1", 10, 5);
        trace.ended(2, "h2", "cancelled");

        assertThat(lines.list).isEmpty();
    }
}
