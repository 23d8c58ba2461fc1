package io.edgeswarm.agent.storage;

import java.util.BitSet;

/** Which chunks of an artifact are held and verified. Thread-safe; snapshots are copies. */
public final class Bitfield {

    private final int size;
    private final BitSet bits;

    public Bitfield(int size) {
        this(size, new BitSet(size));
    }

    private Bitfield(int size, BitSet bits) {
        this.size = size;
        this.bits = bits;
    }

    public static Bitfield full(int size) {
        Bitfield field = new Bitfield(size);
        field.bits.set(0, size);
        return field;
    }

    /** Reads the form {@link #toByteArray()} writes; bits past {@code size} are refused. */
    public static Bitfield fromByteArray(int size, byte[] bytes) {
        BitSet bits = BitSet.valueOf(bytes);
        if (bits.length() > size) {
            throw new IllegalArgumentException("bitfield marks chunk " + (bits.length() - 1) + " of only " + size);
        }
        return new Bitfield(size, bits);
    }

    public int size() {
        return size;
    }

    public synchronized boolean has(int index) {
        return index >= 0 && index < size && bits.get(index);
    }

    public synchronized void set(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("chunk " + index + " of " + size);
        }
        bits.set(index);
    }

    public synchronized void clear(int index) {
        bits.clear(index);
    }

    public synchronized int cardinality() {
        return bits.cardinality();
    }

    /** The lowest chunk not held; {@link #size()} when every chunk is held. */
    public synchronized int firstMissing() {
        return Math.min(size, bits.nextClearBit(0));
    }

    public synchronized boolean isComplete() {
        return bits.cardinality() == size;
    }

    public synchronized byte[] toByteArray() {
        return bits.toByteArray();
    }

    public synchronized BitSet snapshot() {
        return (BitSet) bits.clone();
    }
}
