package io.edgeswarm.agent.api;

import io.edgeswarm.agent.storage.ArtifactNotFoundException;
import io.edgeswarm.agent.storage.ChunkNotHeldException;
import io.edgeswarm.agent.storage.ChunkVerificationException;
import io.edgeswarm.agent.storage.InvalidInputException;
import io.edgeswarm.agent.storage.StorageFullException;
import io.edgeswarm.agent.swarm.NoSourceException;
import io.edgeswarm.agent.swarm.UntrustedManifestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every failure into an RFC 9457 problem detail with a {@code detail} a user can act on. Spring's own errors
 * (missing parameter, wrong method, unreadable body) come through the base class in the same form.
 */
@RestControllerAdvice
class ProblemAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);
    /** The problem property that lists, as a base64 bitfield, the chunks an origin has not sent yet (a 409). */
    static final String ASK_INSTEAD = "askInstead";
    /** Seconds a poller refused a waiting poll should poll plainly, about its own plain poll interval. */
    private static final String WAITERS_RETRY_AFTER = "1";

    @ExceptionHandler(InvalidInputException.class)
    ProblemDetail invalidInput(InvalidInputException e) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid input", e.getMessage());
    }

    @ExceptionHandler(ArtifactNotFoundException.class)
    ProblemDetail notFound(ArtifactNotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "Not found", e.getMessage());
    }

    @ExceptionHandler(ChunkNotHeldException.class)
    ProblemDetail chunkNotHeld(ChunkNotHeldException e) {
        return problem(HttpStatus.NOT_FOUND, "Chunk not held", e.getMessage());
    }

    @ExceptionHandler(RangeNotSatisfiableException.class)
    ResponseEntity<ProblemDetail> rangeNotSatisfiable(RangeNotSatisfiableException e) {
        return ResponseEntity.status(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                .header(HttpHeaders.CONTENT_RANGE, "bytes */" + e.size())
                .body(problem(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE, "Range not satisfiable", e.getMessage()));
    }

    @ExceptionHandler(ChunkVerificationException.class)
    ProblemDetail verificationFailed(ChunkVerificationException e) {
        return problem(HttpStatus.UNPROCESSABLE_ENTITY, "Verification failed", e.getMessage());
    }

    @ExceptionHandler(NoSourceException.class)
    ProblemDetail noSource(NoSourceException e) {
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "No source", e.getMessage());
    }

    @ExceptionHandler(HoldingsWaitersFullException.class)
    ResponseEntity<ProblemDetail> waitersFull(HoldingsWaitersFullException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, WAITERS_RETRY_AFTER)
                .body(problem(HttpStatus.SERVICE_UNAVAILABLE, "Busy", e.getMessage()));
    }

    @ExceptionHandler(StorageFullException.class)
    ProblemDetail storageFull(StorageFullException e) {
        log.warn("Refused a write: {}", e.getMessage());
        return problem(HttpStatus.INSUFFICIENT_STORAGE, "Insufficient storage", e.getMessage());
    }

    /** The client hung up mid-request; nobody is left to answer, so this is not a server error worth a stack trace. */
    @ExceptionHandler(reactor.netty.channel.AbortedException.class)
    ProblemDetail clientGone(reactor.netty.channel.AbortedException e) {
        log.debug("Client went away: {}", e.getMessage());
        return problem(HttpStatus.BAD_REQUEST, "Client closed the connection", e.getMessage());
    }

    @ExceptionHandler(RequestBodyTimeoutException.class)
    ProblemDetail bodyTimeout(RequestBodyTimeoutException e) {
        log.info("Abandoned a request: {}", e.getMessage());
        return problem(HttpStatus.REQUEST_TIMEOUT, "Request timeout", e.getMessage());
    }

    @ExceptionHandler(UntrustedManifestException.class)
    ProblemDetail untrusted(UntrustedManifestException e) {
        return problem(HttpStatus.FORBIDDEN, "Untrusted artifact", e.getMessage());
    }

    @ExceptionHandler(UnsignedPublishException.class)
    ProblemDetail unsignedPublish(UnsignedPublishException e) {
        return problem(HttpStatus.FORBIDDEN, "Unsigned publish refused", e.getMessage());
    }

    static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }
}
