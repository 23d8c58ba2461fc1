package io.edgeswarm.agent.storage;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * SHA-256 whose running state can be read after any whole number of 64-byte blocks, and resumed from. SHA-256 hashes
 * block by block from a 32-byte chaining value, so a chunk that starts on a block boundary can be hashed on its own
 * from the state the content before it left, and the chain of chunk states ends in the digest of the whole: each
 * chunk is then hashed once, and that one pass checks it and the whole artifact alike.
 *
 * <p>The JDK's own SHA-256 is used, with its SHA-NI and AVX2 intrinsics; nothing in the public API exposes its state,
 * so this reaches it through {@code sun.security.provider}, which the agent jar's manifest opens
 * ({@code Add-Opens: java.base/sun.security.provider}). Where that package is not open, or its layout differs from
 * what a self-test at class initialisation expects, {@link #available()} is false and callers hash each chunk and the
 * whole content separately, as before. Not thread-safe: one instance per stream.
 */
public final class ResumableSha256 {

    public static final int BLOCK = 64;
    public static final int STATE_BYTES = 32;

    private static final int COPY_BUFFER = 16 * 1024;
    private static final Internals INTERNALS = Internals.find();

    private final Object spi;
    private byte[] copyBuffer;

    private ResumableSha256(Object spi) {
        this.spi = spi;
    }

    /** Whether this runtime lets the state be read and set; when false, every factory here throws. */
    public static boolean available() {
        return INTERNALS.usable();
    }

    /** Why {@link #available()} is false, for one log line at start-up; empty when available. */
    public static String unavailableReason() {
        return INTERNALS.problem();
    }

    /** A hash from SHA-256's initial state. */
    public static ResumableSha256 start() {
        return new ResumableSha256(INTERNALS.create());
    }

    /**
     * A hash that continues from {@code state}, the chaining value after {@code bytesBefore} bytes (a multiple of
     * {@value #BLOCK}), so its {@link #digest()} is that of the whole content.
     */
    public static ResumableSha256 resume(byte[] state, long bytesBefore) {
        if (state.length != STATE_BYTES || bytesBefore < 0 || bytesBefore % BLOCK != 0) {
            throw new IllegalArgumentException("a state is " + STATE_BYTES + " bytes after a multiple of " + BLOCK
                    + " bytes; got " + state.length + " bytes after " + bytesBefore);
        }
        Object spi = INTERNALS.create();
        INTERNALS.setState(spi, state, bytesBefore);
        return new ResumableSha256(spi);
    }

    /** Consumes the remaining bytes of {@code buffer}, leaving its position at its limit. */
    public void update(ByteBuffer buffer) {
        if (buffer.hasArray()) {
            INTERNALS.update(spi, buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
            buffer.position(buffer.limit());
            return;
        }
        if (copyBuffer == null) {
            copyBuffer = new byte[COPY_BUFFER];
        }
        while (buffer.hasRemaining()) {
            int take = Math.min(copyBuffer.length, buffer.remaining());
            buffer.get(copyBuffer, 0, take);
            INTERNALS.update(spi, copyBuffer, 0, take);
        }
    }

    public void update(byte[] bytes, int offset, int length) {
        INTERNALS.update(spi, bytes, offset, length);
    }

    /** The chaining value so far; only defined after a whole number of blocks. */
    public byte[] state() {
        return INTERNALS.state(spi);
    }

    /** The digest of everything hashed, the resumed-from content included. The hash is spent afterwards. */
    public byte[] digest() {
        return INTERNALS.digest(spi);
    }

    /** Method and field handles into the JDK's SHA-256, or why there are none. */
    private record Internals(MethodHandle constructor, MethodHandle engineUpdate, MethodHandle engineDigest,
            VarHandle stateField, VarHandle bytesProcessedField, VarHandle bufferOffsetField, String problem) {

        static Internals find() {
            try {
                Class<?> sha256 = Class.forName("sun.security.provider.SHA2$SHA256");
                Class<?> sha2 = sha256.getSuperclass();
                Class<?> base = sha2.getSuperclass();
                MethodHandles.Lookup here = MethodHandles.lookup();
                MethodHandles.Lookup inSha256 = MethodHandles.privateLookupIn(sha256, here);
                MethodHandles.Lookup inSha2 = MethodHandles.privateLookupIn(sha2, here);
                MethodHandles.Lookup inBase = MethodHandles.privateLookupIn(base, here);
                Internals internals = new Internals(
                        inSha256.findConstructor(sha256, MethodType.methodType(void.class))
                                .asType(MethodType.methodType(Object.class)),
                        inBase.findVirtual(base, "engineUpdate",
                                        MethodType.methodType(void.class, byte[].class, int.class, int.class))
                                .asType(MethodType.methodType(void.class, Object.class, byte[].class, int.class,
                                        int.class)),
                        inBase.findVirtual(base, "engineDigest", MethodType.methodType(byte[].class))
                                .asType(MethodType.methodType(byte[].class, Object.class)),
                        inSha2.findVarHandle(sha2, "state", int[].class),
                        inBase.findVarHandle(base, "bytesProcessed", long.class),
                        inBase.findVarHandle(base, "bufOfs", int.class),
                        "");
                String wrong = internals.selfTest();
                return wrong.isEmpty() ? internals : unusable(wrong);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return unusable("the JDK's SHA-256 state is not reachable (" + e
                        + "); start the JVM with --add-opens java.base/sun.security.provider=ALL-UNNAMED");
            }
        }

        private static Internals unusable(String problem) {
            return new Internals(null, null, null, null, null, null, problem);
        }

        boolean usable() {
            return problem.isEmpty();
        }

        /** Two blocks hashed whole, and the second resumed from the first's state, must both give MessageDigest's. */
        private String selfTest() {
            byte[] content = new byte[2 * BLOCK + 3];
            for (int i = 0; i < content.length; i++) {
                content[i] = (byte) (i * 31 + 7);
            }
            byte[] expected = ChunkingHasher.sha256().digest(content);
            Object whole = create();
            update(whole, content, 0, BLOCK);
            byte[] afterFirstBlock = state(whole);
            update(whole, content, BLOCK, content.length - BLOCK);
            Object resumed = create();
            setState(resumed, afterFirstBlock, BLOCK);
            update(resumed, content, BLOCK, content.length - BLOCK);
            byte[] wholeDigest = digest(whole);
            byte[] resumedDigest = digest(resumed);
            if (MessageDigest.isEqual(expected, wholeDigest) && MessageDigest.isEqual(expected, resumedDigest)) {
                return "";
            }
            return "the JDK's SHA-256 internals are not laid out as expected (self-test gave "
                    + HexFormat.of().formatHex(resumedDigest) + ")";
        }

        Object create() {
            if (!usable()) {
                throw new IllegalStateException(problem);
            }
            try {
                return constructor.invokeExact();
            } catch (Throwable e) {
                throw new IllegalStateException("creating a SHA-256 failed", e);
            }
        }

        void update(Object spi, byte[] bytes, int offset, int length) {
            try {
                engineUpdate.invokeExact(spi, bytes, offset, length);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException("SHA-256 update failed", e);
            }
        }

        byte[] digest(Object spi) {
            try {
                return (byte[]) engineDigest.invokeExact(spi);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException("SHA-256 digest failed", e);
            }
        }

        byte[] state(Object spi) {
            if ((int) bufferOffsetField.get(spi) != 0) {
                throw new IllegalStateException("the state is only defined after whole " + BLOCK + "-byte blocks");
            }
            int[] words = (int[]) stateField.get(spi);
            ByteBuffer bytes = ByteBuffer.allocate(STATE_BYTES); // big-endian, as SHA-256 writes its words
            for (int i = 0; i < STATE_BYTES / Integer.BYTES; i++) {
                bytes.putInt(words[i]);
            }
            return bytes.array();
        }

        void setState(Object spi, byte[] state, long bytesBefore) {
            int[] words = (int[]) stateField.get(spi);
            ByteBuffer bytes = ByteBuffer.wrap(state);
            for (int i = 0; i < STATE_BYTES / Integer.BYTES; i++) {
                words[i] = bytes.getInt();
            }
            bytesProcessedField.set(spi, bytesBefore);
        }
    }
}
