package io.edgeswarm.agent.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartialFilesTest {

    @TempDir
    Path dir;

    @Test
    void writesLandAtTheirOffsetAndNothingIsWrittenOrRecordedOnceRetired() throws IOException {
        Files.write(StoreLayout.data(dir), new byte[8]);
        PartialFiles files = new PartialFiles(dir);

        assertThat(files.write(4, parts(new byte[] {1, 2}, new byte[] {3}), 3)).isTrue();
        files.record(1);
        files.sync();
        files.retire(true);
        assertThat(files.write(0, parts(new byte[] {9}), 1)).isFalse();
        files.record(0);
        files.retire(true); // a retried completion syncs again rather than failing

        assertThat(Files.readAllBytes(StoreLayout.data(dir))).containsExactly(0, 0, 0, 0, 1, 2, 3, 0);
        assertThat(PartialFiles.read(StoreLayout.journal(dir), 2).stream().toArray()).containsExactly(1);
    }

    @Test
    void aMissingJournalNamesNoChunks() throws IOException {
        assertThat(PartialFiles.read(StoreLayout.journal(dir), 4).isEmpty()).isTrue();
    }

    private static ByteBuffer[] parts(byte[]... parts) {
        ByteBuffer[] buffers = new ByteBuffer[parts.length];
        for (int i = 0; i < parts.length; i++) {
            buffers[i] = ByteBuffer.wrap(parts[i]);
        }
        return buffers;
    }
}
