package io.edgeswarm.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Whether a request's Accept-Encoding allows gzip: weights, the wildcard, and headers that say nothing useful. */
class AcceptEncodingTest {

    @ParameterizedTest(name = "[{0}] allows gzip: {1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "NULL | false",
        "'' | false",
        "gzip | true",
        "GZip | true",
        "x-gzip | true",
        "deflate, gzip;q=0.5 | true",
        "gzip, deflate, br, zstd | true",
        "gzip;q=0 | false",
        "gzip; q=0.000 | false",
        "identity | false",
        "deflate, br | false",
        "* | true",
        "*;q=0 | false",
        "gzip;q=0, * | false",
        "*;q=0, gzip | true",
        "gzip;q=oops | false",
        "' , ,gzip' | true",
    })
    void readsTheHeader(String header, boolean allowed) {
        assertThat(AcceptEncoding.allowsGzip(header)).isEqualTo(allowed);
    }
}
