package io.edgeswarm.agent.api;

import java.util.List;
import org.springframework.http.HttpRange;

/**
 * The part of an artifact a request asks for. A single {@code Range} is honoured (206); a malformed or multi-part
 * header is ignored as RFC 9110 section 14.2 allows, so the whole content is sent (200); a range starting past the
 * end cannot be satisfied (416).
 */
record ByteRange(long start, long length, boolean partial) {

    static ByteRange whole(long size) {
        return new ByteRange(0, size, false);
    }

    static ByteRange of(String rangeHeader, long size) {
        if (rangeHeader == null || rangeHeader.isBlank()) {
            return whole(size);
        }
        List<HttpRange> ranges;
        try {
            ranges = HttpRange.parseRanges(rangeHeader);
        } catch (IllegalArgumentException malformed) {
            return whole(size);
        }
        if (ranges.size() != 1) {
            return whole(size);
        }
        HttpRange range = ranges.get(0);
        long start;
        long end;
        try {
            start = range.getRangeStart(size);
            end = range.getRangeEnd(size);
        } catch (IllegalArgumentException unsatisfiable) {
            throw new RangeNotSatisfiableException(size);
        }
        if (size == 0 || start >= size || end < start) {
            throw new RangeNotSatisfiableException(size);
        }
        return new ByteRange(start, end - start + 1, true);
    }

    long end() {
        return start + length - 1;
    }

    String contentRange(long size) {
        return "bytes " + start + "-" + end() + "/" + size;
    }
}
