package io.edgeswarm.agent.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import org.springframework.core.io.buffer.DataBuffer;

/**
 * One publish in flight: bytes go straight to a temp file while they are hashed, so memory stays constant whatever
 * the size. The temp file is deleted unless the store adopts it.
 */
final class PublishSession implements AutoCloseable {

    /**
     * Network buffers arrive 8 KiB at a time; gathering them into 1 MiB blocks before the write syscall and the hash
     * update cut publish time by more than half (bench/store-throughput.sh).
     */
    private static final int BLOCK = 1 << 20;

    private final Path tempFile;
    /** Opened with the first bytes, so a client that hangs up before sending any leaves no file behind. */
    private FileChannel channel;
    private final ChunkingHasher hasher;
    private final QuotaReservation quota;
    private final ByteBuffer block = ByteBuffer.allocate(BLOCK);
    private boolean adopted;

    PublishSession(Path tempFile, int chunkSize, QuotaReservation quota) {
        this.tempFile = tempFile;
        this.hasher = new ChunkingHasher(chunkSize);
        this.quota = quota;
    }

    /** Writes and hashes one buffer of the body; blocking, so callers run it off the event loop. */
    void write(DataBuffer buffer) {
        quota.grow(buffer.readableByteCount());
        try (DataBuffer.ByteBufferIterator buffers = buffer.readableByteBuffers()) {
            for (Iterator<ByteBuffer> it = buffers; it.hasNext(); ) {
                ByteBuffer bytes = it.next();
                while (bytes.hasRemaining()) {
                    int take = Math.min(bytes.remaining(), block.remaining());
                    block.put(block.position(), bytes, bytes.position(), take);
                    block.position(block.position() + take);
                    bytes.position(bytes.position() + take);
                    if (!block.hasRemaining()) {
                        flushBlock();
                    }
                }
            }
        }
    }

    private void flushBlock() {
        block.flip();
        try {
            ByteBuffer toWrite = block.duplicate();
            while (toWrite.hasRemaining()) {
                channel().write(toWrite);
            }
        } catch (IOException e) {
            throw StorageErrors.translate("writing " + tempFile.getFileName(), e);
        }
        hasher.update(block);
        block.clear();
    }

    /** Makes the data durable and returns its manifest; the temp file then waits for {@link #adoptedBy}. */
    Manifest finish(String name) {
        flushBlock();
        try {
            channel().force(true);
            channel.close();
        } catch (IOException e) {
            throw StorageErrors.translate("flushing " + tempFile.getFileName(), e);
        }
        return hasher.finish(name);
    }

    Path tempFile() {
        return tempFile;
    }

    private FileChannel channel() throws IOException {
        if (channel == null) {
            channel = FileChannel.open(tempFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
        return channel;
    }

    void adopted() {
        adopted = true;
    }

    @Override
    public void close() {
        quota.release();
        try {
            if (channel != null) {
                channel.close();
            }
            if (!adopted) {
                Files.deleteIfExists(tempFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
