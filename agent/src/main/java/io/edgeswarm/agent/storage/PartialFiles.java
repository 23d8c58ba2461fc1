package io.edgeswarm.agent.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;

/**
 * The files of a partial artifact, kept open while its chunks arrive: the data file, and a journal to which the index
 * of every stored chunk is appended (4 bytes, big-endian). Neither is fsynced per chunk. A chunk's bytes and its
 * journal entry reach the page cache before the chunk counts as held, so an agent that is killed (SIGKILL, the OOM
 * killer) still has every chunk it had shown as held. A power loss or kernel crash can lose what was written since
 * the last {@link #sync()}: recovery re-verifies every chunk the bitfield and the journal claim, so that costs a
 * refetch, never a bad chunk served. Syncing on a timer instead of fsyncing the data, a temp bitfield and its
 * directory for every chunk is what lets a disk keep up with hundreds of chunks a second.
 */
final class PartialFiles {

    static final int ENTRY_BYTES = Integer.BYTES;

    private final Path dir;
    private final Path data;
    private final Path journal;
    // Guarded by this; reopened if a thread interrupted during I/O closed them.
    private FileChannel dataChannel;
    private FileChannel journalChannel;
    private boolean journalCreated;
    private boolean unsynced;
    private boolean retired;

    PartialFiles(Path artifactDir) {
        this.dir = artifactDir;
        this.data = StoreLayout.data(artifactDir);
        this.journal = StoreLayout.journal(artifactDir);
    }

    /**
     * Writes one chunk's bytes at {@code offset}.
     *
     * @return false, writing nothing, once the artifact is complete or deleted
     */
    synchronized boolean write(long offset, ByteBuffer[] parts, long length) throws IOException {
        if (retired) {
            return false;
        }
        FileChannel channel = dataChannel();
        // Our channel's position is ours under this lock: one gathering write per call where the kernel allows.
        channel.position(offset);
        long left = length;
        while (left > 0) {
            left -= channel.write(parts);
        }
        unsynced = true;
        return true;
    }

    /** Appends chunk {@code index} to the journal; call once its bytes are written. */
    synchronized void record(int index) throws IOException {
        if (retired) {
            return;
        }
        ByteBuffer entry = ByteBuffer.allocate(ENTRY_BYTES).putInt(0, index);
        FileChannel channel = journalChannel();
        while (entry.hasRemaining()) {
            channel.write(entry);
        }
        unsynced = true;
    }

    /**
     * Makes what was written so far durable. The fsyncs run outside the lock, so chunks keep arriving while a disk
     * flushes.
     */
    void sync() throws IOException {
        FileChannel dataToSync;
        FileChannel journalToSync;
        boolean newJournal;
        synchronized (this) {
            if (!unsynced || retired) {
                return;
            }
            unsynced = false;
            dataToSync = dataChannel;
            journalToSync = journalChannel;
            newJournal = journalCreated;
            journalCreated = false;
        }
        try {
            if (dataToSync != null) {
                dataToSync.force(false);
            }
            if (journalToSync != null) {
                journalToSync.force(false);
            }
            if (newJournal) {
                AtomicFiles.fsyncDirectory(dir);
            }
        } catch (ClosedChannelException e) {
            // Retired meanwhile (retirement syncs what it needs), or closed by an interrupt: sync again next time.
            synchronized (this) {
                unsynced = !retired;
                journalCreated |= newJournal && !retired;
            }
        }
    }

    /**
     * Closes the files for good; writes and records after this do nothing. With {@code syncData} the data file is
     * fsynced first, as it must be before the artifact is marked complete: a complete artifact is trusted at the next
     * start, not re-verified.
     */
    synchronized void retire(boolean syncData) throws IOException {
        retired = true;
        try {
            if (syncData) {
                // Honoured on every call, so a completion retried after a failed fsync still syncs. force() on any
                // descriptor of the file flushes all of its dirty pages, whoever wrote them.
                dataChannel().force(false);
            }
        } finally {
            close(dataChannel);
            close(journalChannel);
            dataChannel = null;
            journalChannel = null;
        }
    }

    private FileChannel dataChannel() throws IOException {
        if (dataChannel == null || !dataChannel.isOpen()) {
            dataChannel = FileChannel.open(data, StandardOpenOption.WRITE);
        }
        return dataChannel;
    }

    private FileChannel journalChannel() throws IOException {
        if (journalChannel == null || !journalChannel.isOpen()) {
            journalCreated |= !Files.exists(journal);
            journalChannel = FileChannel.open(journal, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        }
        return journalChannel;
    }

    private static void close(FileChannel channel) throws IOException {
        if (channel != null) {
            channel.close();
        }
    }

    /**
     * The chunks a journal names: whole entries within the artifact. A torn last entry or an index out of range (a
     * power loss mid-append) is ignored; a wrong index in range is caught when recovery re-verifies the chunk.
     */
    static BitSet read(Path journal, int chunkCount) throws IOException {
        BitSet named = new BitSet(chunkCount);
        if (!Files.exists(journal)) {
            return named;
        }
        ByteBuffer entries = ByteBuffer.wrap(Files.readAllBytes(journal));
        while (entries.remaining() >= ENTRY_BYTES) {
            int index = entries.getInt();
            if (index >= 0 && index < chunkCount) {
                named.set(index);
            }
        }
        return named;
    }
}
