package com.adclip.weights;

import com.adclip.AdclipException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The records of a PyTorch (≥ 1.6) zip checkpoint: {@code <dir>/data.pkl}, {@code <dir>/data/<key>},
 * {@code <dir>/byteorder}.
 *
 * <p>A complete archive is read through its central directory. When that is missing (a truncated download
 * or copy), the local entries before the cut are recovered by walking their headers, only so that the error
 * can say which storage is missing; such an archive never loads successfully.
 */
final class TorchCheckpointArchive implements Closeable {
    private static final int LOCAL_HEADER = 0x04034b50;
    private static final int DATA_DESCRIPTOR = 0x08074b50;
    private static final long MAX_RECORD = Integer.MAX_VALUE - 16;

    private final Path file;
    private final ZipFile zip;
    private final Map<String, ZipEntry> zipEntries;
    private final ByteBuffer recovered;
    private final Map<String, long[]> recoveredEntries;
    private final String prefix;

    private TorchCheckpointArchive(Path file, ZipFile zip, ByteBuffer recovered,
            Map<String, long[]> recoveredEntries) {
        this.file = file;
        this.zip = zip;
        this.recovered = recovered;
        this.recoveredEntries = recoveredEntries;
        this.zipEntries = new LinkedHashMap<>();
        if (zip != null) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                zipEntries.put(entry.getName(), entry);
            }
        }
        this.prefix = findPrefix(zip != null ? zipEntries.keySet() : recoveredEntries.keySet());
    }

    /** Opens {@code file}, rejecting missing, empty, legacy and non-zip files with one-line messages. */
    static TorchCheckpointArchive open(Path file) {
        byte[] head = head(file);
        if (head.length == 0) {
            throw new AdclipException(file + " is empty (0 bytes), not a PyTorch checkpoint; download or copy "
                    + "it again");
        }
        if (!startsWithInt(head, LOCAL_HEADER)) {
            throw new AdclipException(file + " is not a PyTorch zip checkpoint (" + notZipReason(head) + ")");
        }
        try {
            return new TorchCheckpointArchive(file, new ZipFile(file.toFile()), null, null);
        } catch (ZipException e) {
            return recover(file, e);
        } catch (IOException e) {
            throw new AdclipException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The checkpoint file, for messages. */
    Path file() {
        return file;
    }

    /** True when the central directory was missing and entries were recovered from a cut-off file. */
    boolean truncated() {
        return zip == null;
    }

    /** The complete {@code data.pkl}. */
    byte[] dataPickle() {
        String name = prefix + "data.pkl";
        if (!has(name)) {
            throw new AdclipException(truncated()
                    ? file + " is truncated or corrupt (no zip central directory, and no complete data.pkl "
                            + "record before the cut); download or copy it again"
                    : file + " is a zip archive without a data.pkl record, so not a checkpoint written by "
                            + "torch.save");
        }
        return read(name, -1);
    }

    /** The byte order of the storages, from the optional {@code byteorder} record (little by default). */
    ByteOrder byteOrder() {
        String name = prefix + "byteorder";
        if (!has(name)) {
            return ByteOrder.LITTLE_ENDIAN;
        }
        String order = new String(read(name, 16), StandardCharsets.US_ASCII).trim();
        return switch (order) {
            case "little" -> ByteOrder.LITTLE_ENDIAN;
            case "big" -> ByteOrder.BIG_ENDIAN;
            default -> throw new AdclipException(file + ": unknown byteorder record '" + order + "'");
        };
    }

    /**
     * The first {@code nbytes} of storage record {@code data/<key>}; fails naming the key and tensor when the
     * record is missing or shorter.
     */
    byte[] storage(String key, long nbytes, String tensorName) {
        String name = prefix + "data/" + key;
        String what = "storage '" + key + "' (record " + name + ", used by tensor '" + tensorName + "', "
                + nbytes + " bytes)";
        if (!has(name)) {
            throw new AdclipException(truncated()
                    ? file + " is truncated: " + what + " is missing or cut off; download or copy it again"
                    : file + ": " + what + " is missing from the archive; the checkpoint is damaged");
        }
        if (nbytes > MAX_RECORD) {
            throw new AdclipException(file + ": " + what + " is larger than 2 GiB, which is not supported");
        }
        byte[] bytes = read(name, nbytes);
        if (bytes.length < nbytes) {
            throw new AdclipException(file + ": " + what + " is too short: it holds only " + bytes.length
                    + " bytes; the file is damaged or truncated, download or copy it again");
        }
        return bytes;
    }

    private boolean has(String name) {
        return zip != null ? zipEntries.containsKey(name) : recoveredEntries.containsKey(name);
    }

    /** Reads at most {@code limit} bytes of a record (the whole record when limit is negative). */
    private byte[] read(String name, long limit) {
        long max = limit < 0 ? MAX_RECORD : limit;
        if (zip == null) {
            long[] extent = recoveredEntries.get(name);
            int n = (int) Math.min(extent[1], max);
            byte[] out = new byte[n];
            recovered.get((int) extent[0], out, 0, n);
            return out;
        }
        try (InputStream in = zip.getInputStream(zipEntries.get(name))) {
            return in.readNBytes((int) max);
        } catch (IOException e) {
            throw new AdclipException("cannot read record " + name + " of " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (zip != null) {
            try {
                zip.close();
            } catch (IOException e) {
                // nothing useful to do: the file was only read
            }
        }
    }

    private static String findPrefix(Iterable<String> names) {
        String best = null;
        for (String name : names) {
            if ((name.equals("data.pkl") || name.endsWith("/data.pkl"))
                    && (best == null || name.length() < best.length())) {
                best = name;
            }
        }
        return best == null ? "archive/" : best.substring(0, best.length() - "data.pkl".length());
    }

    private static byte[] head(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(512);
        } catch (NoSuchFileException e) {
            throw new AdclipException("checkpoint file not found: " + file, e);
        } catch (IOException e) {
            throw new AdclipException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean startsWithInt(byte[] head, int magic) {
        return head.length >= 4 && ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt(0) == magic;
    }

    private static String notZipReason(byte[] head) {
        boolean pickle = (head[0] & 0xff) == 0x80;
        boolean tar = head.length >= 262 && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
        if (pickle || tar) {
            return "it is in the legacy pre-1.6 torch.save format; re-save it with torch >= 1.6: "
                    + "torch.save(torch.load(old), new, _use_new_zipfile_serialization=True)";
        }
        return "not a zip archive";
    }

    /** Walks the local headers of a zip whose central directory is unreadable. */
    private static TorchCheckpointArchive recover(Path file, ZipException cause) {
        Map<String, long[]> entries = new LinkedHashMap<>();
        ByteBuffer buf;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() > MAX_RECORD) {
                throw new AdclipException(file + " is truncated or corrupt (" + cause.getMessage()
                        + "); download or copy it again", cause);
            }
            buf = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new AdclipException("cannot read " + file + ": " + e.getMessage(), e);
        }
        long pos = 0;
        while (pos >= 0 && pos + 30 <= buf.limit() && buf.getInt((int) pos) == LOCAL_HEADER) {
            pos = recoverEntry(buf, (int) pos, entries);
        }
        return new TorchCheckpointArchive(file, null, buf, entries);
    }

    /** Records one complete stored entry at {@code pos}; returns the next header position or -1. */
    private static long recoverEntry(ByteBuffer buf, int pos, Map<String, long[]> entries) {
        int flags = buf.getShort(pos + 6) & 0xffff;
        int method = buf.getShort(pos + 8) & 0xffff;
        long size = Integer.toUnsignedLong(buf.getInt(pos + 18));
        int nameLength = buf.getShort(pos + 26) & 0xffff;
        int extraLength = buf.getShort(pos + 28) & 0xffff;
        long dataStart = (long) pos + 30 + nameLength + extraLength;
        if (method != 0 || dataStart > buf.limit()) {
            return -1;
        }
        byte[] nameBytes = new byte[nameLength];
        buf.get(pos + 30, nameBytes);
        String name = new String(nameBytes, StandardCharsets.UTF_8);
        if ((flags & 8) == 0) {
            if (size == 0xffffffffL || dataStart + size > buf.limit()) {
                return -1;
            }
            entries.put(name, new long[] {dataStart, size});
            return dataStart + size;
        }
        // sizes follow the data in a descriptor: find the one whose size matches the distance walked
        for (long p = dataStart; p + 16 <= buf.limit(); p++) {
            if (buf.getInt((int) p) != DATA_DESCRIPTOR) {
                continue;
            }
            long length = p - dataStart;
            if (Integer.toUnsignedLong(buf.getInt((int) p + 8)) == length
                    && Integer.toUnsignedLong(buf.getInt((int) p + 12)) == length) {
                entries.put(name, new long[] {dataStart, length});
                return p + 16;
            }
            if (p + 24 <= buf.limit() && buf.getLong((int) p + 8) == length && buf.getLong((int) p + 16) == length) {
                entries.put(name, new long[] {dataStart, length});
                return p + 24;
            }
        }
        return -1;
    }
}
