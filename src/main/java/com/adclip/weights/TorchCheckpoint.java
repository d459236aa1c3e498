package com.adclip.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.adclip.AdclipException;
import com.adclip.weights.TorchPickleUnpickler.StorageRef;
import com.adclip.weights.TorchPickleUnpickler.TensorRef;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads PyTorch checkpoints written by {@code torch.save} (torch ≥ 1.6 zip format), such as AnomalyCLIP's
 * {@code epoch_N.pth} = {@code {"prompt_learner": state_dict}}, without executing any Python: the pickle is
 * read by an allow-list unpickler that rejects every global other than tensors, storages and OrderedDict.
 *
 * <p>Nested dicts are flattened with dotted keys, exactly as named in the file ({@code prompt_learner.ctx_pos});
 * lists and tuples contribute their index. Values that are not tensors (numbers, strings, None) are skipped.
 * Tensors keep their dtype, except bfloat16, which is widened to float32; float16 stays float16 (callers
 * convert). Strided (non-contiguous) tensors are read with {@code as_strided} semantics. Each array is named
 * with its key. Every failure is an {@link AdclipException} naming the file and what is wrong.
 */
public final class TorchCheckpoint {
    private static final int MAX_DEPTH = 64;

    private TorchCheckpoint() {}

    /**
     * All tensors of the checkpoint, keyed by their dotted path from the top-level dict, in file order.
     *
     * @param file a {@code .pth} / {@code .pt} file written by {@code torch.save}
     * @param manager owns the returned arrays
     */
    public static Map<String, NDArray> read(Path file, NDManager manager) {
        return load(file, manager, null);
    }

    /**
     * The tensors of the dict stored under {@code topKey} (for AnomalyCLIP, {@code "prompt_learner"}), keyed
     * by their dotted path inside it ({@code ctx_pos}, {@code compound_prompts_text.0}, ...).
     *
     * @throws AdclipException also when the top-level dict has no dict under {@code topKey}
     */
    public static Map<String, NDArray> readStateDict(Path file, NDManager manager, String topKey) {
        return load(file, manager, topKey);
    }

    private static Map<String, NDArray> load(Path file, NDManager manager, String topKey) {
        try (TorchCheckpointArchive archive = TorchCheckpointArchive.open(file)) {
            Object root = new TorchPickleUnpickler(file).unpickle(archive.dataPickle());
            Object tree = subtree(file, root, topKey);
            Map<String, TensorRef> tensors = new LinkedHashMap<>();
            flatten(file, tree, "", tensors, 0);
            if (archive.truncated()) {
                throw truncated(file, archive, tensors);
            }
            return materialize(archive, tensors, manager);
        }
    }

    private static Object subtree(Path file, Object root, String topKey) {
        if (!(root instanceof Map<?, ?> top)) {
            throw new AdclipException(file + " holds a " + kind(root) + " at the top level, not a dict of tensors");
        }
        if (topKey == null) {
            return root;
        }
        Object tree = top.get(topKey);
        if (!(tree instanceof Map)) {
            throw new AdclipException(file + ": the top-level dict has " + (tree == null ? "no key '" + topKey
                    + "'" : "a " + kind(tree) + " under '" + topKey + "', not a state dict") + " (keys: "
                    + top.keySet() + ")");
        }
        return tree;
    }

    private static void flatten(Path file, Object node, String prefix, Map<String, TensorRef> out, int depth) {
        if (depth > MAX_DEPTH) {
            throw new AdclipException(file + ": data.pkl nests deeper than " + MAX_DEPTH + " levels at '"
                    + prefix + "' (cyclic?)");
        }
        if (node instanceof TensorRef tensor) {
            if (out.put(prefix, tensor) != null) {
                throw new AdclipException(file + ": two tensors flatten to the same key '" + prefix + "'");
            }
        } else if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                flatten(file, e.getValue(), join(prefix, String.valueOf(e.getKey())), out, depth + 1);
            }
        } else if (node instanceof List<?> || node instanceof Object[]) {
            Object[] items = node instanceof List<?> list ? list.toArray() : (Object[]) node;
            for (int i = 0; i < items.length; i++) {
                flatten(file, items[i], join(prefix, Integer.toString(i)), out, depth + 1);
            }
        }
    }

    private static String join(String prefix, String key) {
        return prefix.isEmpty() ? key : prefix + "." + key;
    }

    /** The error for a cut-off file: the first storage that did not survive, else the lost directory. */
    private static AdclipException truncated(Path file, TorchCheckpointArchive archive,
            Map<String, TensorRef> tensors) {
        for (Map.Entry<String, TensorRef> e : tensors.entrySet()) {
            StorageRef s = e.getValue().storage();
            archive.storage(s.key(), storageBytes(s), e.getKey());
        }
        return new AdclipException(file + " is truncated (its zip central directory is missing); download or "
                + "copy it again");
    }

    private static Map<String, NDArray> materialize(TorchCheckpointArchive archive, Map<String, TensorRef> tensors,
            NDManager manager) {
        ByteOrder order = archive.byteOrder();
        Map<String, byte[]> storages = new HashMap<>();
        Map<String, TorchPickleDType> storageTypes = new HashMap<>();
        Map<String, NDArray> out = new LinkedHashMap<>();
        List<NDArray> created = new ArrayList<>();
        boolean done = false;
        try {
            for (Map.Entry<String, TensorRef> e : tensors.entrySet()) {
                String name = e.getKey();
                StorageRef s = e.getValue().storage();
                TorchPickleDType previous = storageTypes.putIfAbsent(s.key(), s.dtype());
                if (previous != null && previous != s.dtype()) {
                    throw new AdclipException(archive.file() + ": storage '" + s.key() + "' is read both as "
                            + previous.pythonName() + " and as " + s.dtype().pythonName());
                }
                byte[] bytes = storages.computeIfAbsent(s.key(),
                        k -> archive.storage(k, storageBytes(s), name));
                NDArray array;
                try {
                    array = toArray(archive, name, e.getValue(), bytes, order, manager);
                } catch (ArithmeticException overflow) {
                    throw new AdclipException(archive.file() + ": tensor '" + name + "' has an impossible size "
                            + Arrays.toString(e.getValue().size()) + " or stride "
                            + Arrays.toString(e.getValue().stride()), overflow);
                }
                created.add(array);
                out.put(name, array);
            }
            done = true;
            return out;
        } finally {
            if (!done) {
                created.forEach(NDArray::close);
            }
        }
    }

    /** The bytes a storage record must hold; saturates so that absurd sizes are reported, not wrapped. */
    private static long storageBytes(StorageRef s) {
        return s.numel() > Long.MAX_VALUE / 8 ? Long.MAX_VALUE : s.numel() * s.dtype().itemSize();
    }

    private static NDArray toArray(TorchCheckpointArchive archive, String name, TensorRef t, byte[] storage,
            ByteOrder order, NDManager manager) {
        TorchPickleDType dtype = t.storage().dtype();
        Shape shape = new Shape(t.size());
        long numel = 1;
        for (long n : t.size()) {
            numel = Math.multiplyExact(numel, n);
        }
        NDArray array;
        if (numel == 0) {
            array = manager.zeros(shape, dtype.dataType());
        } else {
            byte[] raw = gather(archive, name, t, storage, numel);
            array = manager.create(toNative(raw, dtype, order), shape, dtype.dataType());
        }
        array.setName(name);
        return array;
    }

    /** The tensor's elements in row-major order, following its offset and strides into the storage. */
    private static byte[] gather(TorchCheckpointArchive archive, String name, TensorRef t, byte[] storage,
            long numel) {
        long[] size = t.size();
        long[] stride = t.stride();
        long last = t.offset();
        for (int d = 0; d < size.length; d++) {
            last = Math.addExact(last, Math.multiplyExact(size[d] - 1, stride[d]));
        }
        if (last >= t.storage().numel()) {
            throw new AdclipException(archive.file() + ": tensor '" + name + "' (size " + Arrays.toString(size)
                    + ", stride " + Arrays.toString(stride) + ", offset " + t.offset() + ") reaches past the end"
                    + " of storage '" + t.storage().key() + "' (" + t.storage().numel() + " elements)");
        }
        int item = t.storage().dtype().itemSize();
        byte[] out = new byte[Math.toIntExact(Math.multiplyExact(numel, item))];
        if (contiguous(size, stride)) {
            System.arraycopy(storage, Math.toIntExact(t.offset() * item), out, 0, out.length);
            return out;
        }
        long[] index = new long[size.length];
        long src = t.offset();
        for (int i = 0; i < numel; i++) {
            System.arraycopy(storage, (int) (src * item), out, i * item, item);
            for (int d = size.length - 1; d >= 0; d--) {
                if (++index[d] < size[d]) {
                    src += stride[d];
                    break;
                }
                src -= (size[d] - 1) * stride[d];
                index[d] = 0;
            }
        }
        return out;
    }

    private static boolean contiguous(long[] size, long[] stride) {
        long expected = 1;
        for (int d = size.length - 1; d >= 0; d--) {
            if (size[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= size[d];
        }
        return true;
    }

    /** A direct buffer in native order for DJL; bfloat16 bits become float32 values. */
    private static ByteBuffer toNative(byte[] raw, TorchPickleDType dtype, ByteOrder order) {
        ByteBuffer src = ByteBuffer.wrap(raw).order(order);
        if (dtype == TorchPickleDType.BFLOAT16) {
            ByteBuffer dst = ByteBuffer.allocateDirect(raw.length * 2).order(ByteOrder.nativeOrder());
            for (int i = 0; i < raw.length; i += 2) {
                dst.putFloat(Float.intBitsToFloat((src.getShort(i) & 0xffff) << 16));
            }
            return dst.rewind();
        }
        ByteBuffer dst = ByteBuffer.allocateDirect(raw.length).order(ByteOrder.nativeOrder());
        int item = dtype.itemSize();
        if (item == 1 || order == ByteOrder.nativeOrder()) {
            return dst.put(raw).rewind();
        }
        for (int i = 0; i < raw.length; i += item) {
            for (int b = item - 1; b >= 0; b--) {
                dst.put(raw[i + b]);
            }
        }
        return dst.rewind();
    }

    private static String kind(Object value) {
        return value == null ? "None" : value instanceof TensorRef ? "tensor" : value.getClass().getSimpleName();
    }
}
