package io.edgeswarm.agent.membership;

import io.edgeswarm.agent.membership.Message.Ack;
import io.edgeswarm.agent.membership.Message.Alive;
import io.edgeswarm.agent.membership.Message.Compound;
import io.edgeswarm.agent.membership.Message.Dead;
import io.edgeswarm.agent.membership.Message.IndirectPing;
import io.edgeswarm.agent.membership.Message.MemberEntry;
import io.edgeswarm.agent.membership.Message.Nack;
import io.edgeswarm.agent.membership.Message.Notice;
import io.edgeswarm.agent.membership.Message.Ping;
import io.edgeswarm.agent.membership.Message.PushPull;
import io.edgeswarm.agent.membership.Message.Suspect;
import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compact binary encoding of gossip messages: a type byte, then fixed-width integers and length-prefixed UTF-8
 * strings. Every length is checked against a hard bound before anything is allocated, and any malformed input
 * surfaces as {@link MalformedMessageException}, never as another exception. No Java serialization.
 */
public final class MessageCodec {

    /** memberlist's bound: leaves room for an alive message plus piggybacked updates in a 1400-byte datagram. */
    public static final int MAX_META_BYTES = 512;
    /** A push-pull carries at most this many members; a swarm larger than this syncs by gossip alone. */
    public static final int MAX_PUSH_PULL_MEMBERS = 20_000;
    public static final int MAX_STREAM_BYTES = 16 * 1024 * 1024;
    /** A notice's body fits one datagram with its sender's id and the seal, under {@link GossipTransport}'s bound. */
    public static final int MAX_NOTICE_BYTES = 1024;
    static final int MAX_COMPOUND_PARTS = 255;
    static final int MAX_LABELS = 32;

    private static final byte PING = 1;
    private static final byte INDIRECT_PING = 2;
    private static final byte ACK = 3;
    private static final byte NACK = 4;
    private static final byte ALIVE = 5;
    private static final byte SUSPECT = 6;
    private static final byte DEAD = 7;
    private static final byte COMPOUND = 8;
    private static final byte PUSH_PULL = 9;
    private static final byte NOTICE = 10;

    private MessageCodec() {
    }

    public static byte[] encode(Message message) {
        Writer out = new Writer();
        write(out, message);
        return out.toByteArray();
    }

    public static Message decode(byte[] bytes) throws MalformedMessageException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            Message message = read(in, true);
            if (in.hasRemaining()) {
                throw new MalformedMessageException(in.remaining() + " trailing bytes");
            }
            return message;
        } catch (BufferUnderflowException e) {
            throw new MalformedMessageException("truncated message");
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException(e.getMessage());
        }
    }

    /** Bundles already-encoded messages into one compound packet. */
    static byte[] compound(List<byte[]> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        Writer out = new Writer();
        out.writeByte(COMPOUND);
        out.writeByte(parts.size());
        for (byte[] part : parts) {
            out.writeShort(part.length);
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** Bytes a part adds to a compound packet beyond its own length. */
    static final int COMPOUND_OVERHEAD = 2;
    static final int COMPOUND_HEADER = 2;

    private static void write(Writer out, Message message) {
        if (message instanceof Ping p) {
            out.writeByte(PING);
            out.writeInt(p.seq());
            out.writeString(p.target());
            out.writeString(p.source());
        } else if (message instanceof IndirectPing p) {
            out.writeByte(INDIRECT_PING);
            out.writeInt(p.seq());
            out.writeString(p.target());
            writeAddress(out, p.targetAddress());
            out.writeString(p.source());
            out.writeByte(p.wantNack() ? 1 : 0);
        } else if (message instanceof Ack a) {
            out.writeByte(ACK);
            out.writeInt(a.seq());
        } else if (message instanceof Nack n) {
            out.writeByte(NACK);
            out.writeInt(n.seq());
        } else if (message instanceof Alive a) {
            out.writeByte(ALIVE);
            out.writeLong(a.incarnation());
            out.writeString(a.node());
            writeAddress(out, a.address());
            writeMeta(out, a.meta());
        } else if (message instanceof Suspect s) {
            out.writeByte(SUSPECT);
            out.writeLong(s.incarnation());
            out.writeString(s.node());
            out.writeString(s.from());
        } else if (message instanceof Dead d) {
            out.writeByte(DEAD);
            out.writeLong(d.incarnation());
            out.writeString(d.node());
            out.writeString(d.from());
        } else if (message instanceof Compound c) {
            out.writeBytes(compound(c.parts().stream().map(MessageCodec::encode).toList()));
        } else if (message instanceof PushPull p) {
            out.writeByte(PUSH_PULL);
            out.writeByte((p.join() ? 1 : 0) | (p.reply() ? 2 : 0));
            out.writeInt(p.members().size());
            for (MemberEntry m : p.members()) {
                out.writeString(m.node());
                writeAddress(out, m.address());
                out.writeLong(m.incarnation());
                out.writeByte(m.state().ordinal());
                writeMeta(out, m.meta());
            }
        } else if (message instanceof Notice n) {
            if (n.body().length > MAX_NOTICE_BYTES) {
                throw new IllegalArgumentException("a notice of " + n.body().length + " bytes exceeds "
                        + MAX_NOTICE_BYTES);
            }
            out.writeByte(NOTICE);
            out.writeString(n.node());
            out.writeShort(n.body().length);
            out.writeBytes(n.body());
        }
    }

    private static Message read(ByteBuffer in, boolean compoundAllowed) throws MalformedMessageException {
        byte type = in.get();
        switch (type) {
            case PING:
                return new Ping(in.getInt(), readString(in), readString(in));
            case INDIRECT_PING:
                return new IndirectPing(in.getInt(), readString(in), readAddress(in), readString(in), in.get() != 0);
            case ACK:
                return new Ack(in.getInt());
            case NACK:
                return new Nack(in.getInt());
            case ALIVE:
                return new Alive(readIncarnation(in), readString(in), readAddress(in), readMeta(in));
            case SUSPECT:
                return new Suspect(readIncarnation(in), readString(in), readString(in));
            case DEAD:
                return new Dead(readIncarnation(in), readString(in), readString(in));
            case COMPOUND: {
                if (!compoundAllowed) {
                    throw new MalformedMessageException("nested compound message");
                }
                int count = Byte.toUnsignedInt(in.get());
                List<Message> parts = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    int length = Short.toUnsignedInt(in.getShort());
                    if (length > in.remaining()) {
                        throw new MalformedMessageException("compound part of " + length + " bytes overruns packet");
                    }
                    ByteBuffer part = in.slice(in.position(), length);
                    in.position(in.position() + length);
                    parts.add(read(part, false));
                    if (part.hasRemaining()) {
                        throw new MalformedMessageException("compound part has trailing bytes");
                    }
                }
                return new Compound(parts);
            }
            case PUSH_PULL: {
                int flags = in.get();
                int count = in.getInt();
                if (count < 0 || count > MAX_PUSH_PULL_MEMBERS) {
                    throw new MalformedMessageException("push-pull with " + count + " members");
                }
                List<MemberEntry> members = new ArrayList<>(Math.min(count, 1024));
                for (int i = 0; i < count; i++) {
                    String node = readString(in);
                    NodeAddress address = readAddress(in);
                    long incarnation = readIncarnation(in);
                    int state = in.get();
                    if (state < 0 || state >= MemberState.values().length) {
                        throw new MalformedMessageException("unknown member state " + state);
                    }
                    members.add(new MemberEntry(node, address, incarnation, MemberState.values()[state],
                            readMeta(in)));
                }
                return new PushPull((flags & 1) != 0, (flags & 2) != 0, members);
            }
            case NOTICE: {
                String node = readString(in);
                int length = Short.toUnsignedInt(in.getShort());
                if (length > MAX_NOTICE_BYTES || length > in.remaining()) {
                    throw new MalformedMessageException("notice of " + length + " bytes");
                }
                byte[] body = new byte[length];
                in.get(body);
                return new Notice(node, body);
            }
            default:
                throw new MalformedMessageException("unknown message type " + type);
        }
    }

    private static long readIncarnation(ByteBuffer in) throws MalformedMessageException {
        long incarnation = in.getLong();
        if (incarnation < 0) {
            throw new MalformedMessageException("negative incarnation");
        }
        return incarnation;
    }

    private static void writeAddress(Writer out, NodeAddress address) {
        out.writeString(address.host());
        out.writeShort(address.port());
    }

    private static NodeAddress readAddress(ByteBuffer in) throws MalformedMessageException {
        String host = readString(in);
        int port = Short.toUnsignedInt(in.getShort());
        if (host.isEmpty() || port == 0) {
            throw new MalformedMessageException("invalid address " + host + ":" + port);
        }
        return new NodeAddress(host, port);
    }

    private static void writeMeta(Writer out, NodeMeta meta) {
        Writer m = new Writer();
        m.writeString(meta.httpAddress());
        m.writeString(meta.zone());
        m.writeByte(meta.labels().size());
        meta.labels().forEach((k, v) -> {
            m.writeString(k);
            m.writeString(v);
        });
        m.writeInt(meta.load());
        byte[] artifacts = meta.artifacts();
        m.writeShort(artifacts.length);
        m.writeBytes(artifacts);
        byte[] bytes = m.toByteArray();
        if (bytes.length > MAX_META_BYTES) {
            throw new IllegalArgumentException("node metadata is " + bytes.length + " bytes, limit " + MAX_META_BYTES);
        }
        out.writeShort(bytes.length);
        out.writeBytes(bytes);
    }

    /** Encoded size of metadata, to check it fits before it is announced. */
    public static int metaSize(NodeMeta meta) {
        Writer out = new Writer();
        writeMeta(out, meta);
        return out.size() - 2;
    }

    private static NodeMeta readMeta(ByteBuffer in) throws MalformedMessageException {
        int length = Short.toUnsignedInt(in.getShort());
        if (length > MAX_META_BYTES || length > in.remaining()) {
            throw new MalformedMessageException("metadata of " + length + " bytes");
        }
        ByteBuffer m = in.slice(in.position(), length);
        in.position(in.position() + length);
        String http = readString(m);
        String zone = readString(m);
        int labelCount = Byte.toUnsignedInt(m.get());
        if (labelCount > MAX_LABELS) {
            throw new MalformedMessageException(labelCount + " labels");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < labelCount; i++) {
            labels.put(readString(m), readString(m));
        }
        int load = m.getInt();
        int artifactsLength = Short.toUnsignedInt(m.getShort());
        if (artifactsLength > m.remaining()) {
            throw new MalformedMessageException("artifact summary overruns metadata");
        }
        byte[] artifacts = new byte[artifactsLength];
        m.get(artifacts);
        if (m.hasRemaining()) {
            throw new MalformedMessageException("metadata has trailing bytes");
        }
        return new NodeMeta(http, zone, labels, load, artifacts);
    }

    private static String readString(ByteBuffer in) throws MalformedMessageException {
        int length = Byte.toUnsignedInt(in.get());
        if (length > in.remaining()) {
            throw new MalformedMessageException("string of " + length + " bytes overruns message");
        }
        ByteBuffer bytes = in.slice(in.position(), length);
        in.position(in.position() + length);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedMessageException("string is not UTF-8");
        }
    }

    /** A growable big-endian byte sink. */
    private static final class Writer extends ByteArrayOutputStream {

        Writer() {
            super(128);
        }

        void writeByte(int b) {
            write(b);
        }

        void writeShort(int v) {
            if (v < 0 || v > 0xFFFF) {
                throw new IllegalArgumentException("value " + v + " does not fit 16 bits");
            }
            write(v >>> 8);
            write(v);
        }

        void writeInt(int v) {
            write(v >>> 24);
            write(v >>> 16);
            write(v >>> 8);
            write(v);
        }

        void writeLong(long v) {
            writeInt((int) (v >>> 32));
            writeInt((int) v);
        }

        void writeString(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > 255) {
                throw new IllegalArgumentException("string of " + bytes.length + " bytes exceeds 255");
            }
            writeByte(bytes.length);
            writeBytes(bytes);
        }
    }
}
