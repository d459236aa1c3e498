package com.adclip.weights;

import com.adclip.AdclipException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * Unpickles the {@code data.pkl} of a PyTorch zip checkpoint without executing anything.
 *
 * <p>Every Python global the pickle names (opcodes GLOBAL, STACK_GLOBAL, INST) is looked up in a fixed
 * allow-list of the few torch functions and classes a state dict needs; any other global is rejected with an
 * {@link AdclipException} before anything is built, so a hostile file cannot construct arbitrary objects. The
 * library's own global registry is never consulted. Tensors come out as {@link TensorRef}s (storage key,
 * offset, size, stride); their bytes are read from the archive afterwards. Dicts keep the file's key order.
 */
final class TorchPickleUnpickler extends Unpickler {
    /** A storage record of the archive ({@code data/<key>}) holding {@code numel} elements of one type. */
    record StorageRef(String key, TorchPickleDType dtype, long numel) {}

    /** A tensor view on a storage, as {@code torch._utils._rebuild_tensor_v2} describes it (in elements). */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {}

    /** A Python {@code collections.OrderedDict}. */
    static final class OrderedDict extends LinkedHashMap<Object, Object> {
        private static final long serialVersionUID = 1L;
    }

    /** A class that may appear only as a type argument, such as {@code torch.Tensor}. */
    private record TypeMarker(String name) {}

    private static final short STACK_GLOBAL = 0x93;
    private static final TypeMarker TENSOR_TYPE = new TypeMarker("torch.Tensor");
    private static final IObjectConstructor PARAMETER = TorchPickleUnpickler::firstTensor;
    private static final Map<String, Object> ALLOWED = allowList();

    private final Path file;

    TorchPickleUnpickler(Path file) {
        this.file = file;
    }

    /** Unpickles {@code data}; every failure is an {@link AdclipException} naming the file. */
    Object unpickle(byte[] data) {
        try {
            return loads(data);
        } catch (AdclipException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new AdclipException(file + ": unsupported content in data.pkl: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new AdclipException(file + ": data.pkl is not a valid PyTorch checkpoint pickle ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        } finally {
            close();
        }
    }

    @Override
    protected Object dispatch(short key) throws PickleException, IOException {
        switch (key) {
            case Opcodes.GLOBAL -> {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                stack.add(resolve(module, name));
            }
            case STACK_GLOBAL -> {
                Object name = stack.pop();
                Object module = stack.pop();
                stack.add(resolve(String.valueOf(module), String.valueOf(name)));
            }
            case Opcodes.INST -> {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                Object callable = resolve(module, name);
                List<Object> args = stack.pop_all_since_marker();
                stack.add(call(callable, args.toArray()));
            }
            case Opcodes.EMPTY_DICT -> stack.add(new LinkedHashMap<>());
            case Opcodes.DICT -> {
                Map<Object, Object> dict = new LinkedHashMap<>();
                putPairs(dict, stack.pop_all_since_marker());
                stack.add(dict);
            }
            case Opcodes.SETITEMS -> {
                List<Object> items = stack.pop_all_since_marker();
                putPairs(asDict(stack.peek(), "SETITEMS"), items);
            }
            case Opcodes.BUILD -> build();
            default -> {
                return super.dispatch(key);
            }
        }
        return NO_RETURN_VALUE;
    }

    @Override
    protected Object persistentLoad(Object pid) {
        // ('storage', storage_type, key, location, numel)
        if (!(pid instanceof Object[] t) || t.length != 5 || !"storage".equals(t[0])) {
            throw new IllegalArgumentException("unsupported persistent id " + describe(pid)
                    + ", expected ('storage', type, key, location, numel)");
        }
        if (!(t[1] instanceof TorchPickleDType dtype)) {
            throw new IllegalArgumentException("storage type " + describe(t[1]) + " is not a torch.*Storage class");
        }
        if (!(t[2] instanceof String storageKey) || storageKey.isEmpty() || storageKey.contains("/")
                || storageKey.contains("\\") || storageKey.contains("..")) {
            throw new IllegalArgumentException("invalid storage key " + describe(t[2]));
        }
        return new StorageRef(storageKey, dtype, nonNegative(t[4], "storage numel"));
    }

    private Object resolve(String module, String name) {
        String qualified = module + "." + name;
        Object value = ALLOWED.get(qualified);
        if (value == null) {
            throw new AdclipException(file + ": refusing to load: data.pkl references the Python global '"
                    + qualified + "', which is not allowed in a PyTorch state-dict checkpoint (allowed: torch "
                    + "tensors, storages and OrderedDict); the file may be malicious or not a weights file");
        }
        return value;
    }

    private void build() {
        Object state = stack.pop();
        Object target = stack.peek();
        if (!(target instanceof Map) && !(target instanceof TensorRef)) {
            throw new IllegalArgumentException("BUILD (setstate) on unsupported object " + describe(target));
        }
        // OrderedDict state is torch's '_metadata' (module versions); a tensor's is its Python attributes.
        // Neither changes the values, so both are ignored.
        if (state != null && !(state instanceof Map) && !(state instanceof Object[])) {
            throw new IllegalArgumentException("unsupported BUILD state " + describe(state));
        }
    }

    private static Object call(Object callable, Object[] args) {
        if (!(callable instanceof IObjectConstructor constructor)) {
            throw new IllegalArgumentException(describe(callable) + " is not callable");
        }
        return constructor.construct(args);
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> asDict(Object value, String op) {
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException(op + " on " + describe(value) + ", expected a dict");
        }
        return (Map<Object, Object>) value;
    }

    private static void putPairs(Map<Object, Object> dict, List<Object> flat) {
        if (flat.size() % 2 != 0) {
            throw new IllegalArgumentException("odd number of dict items");
        }
        for (int i = 0; i < flat.size(); i += 2) {
            dict.put(flat.get(i), flat.get(i + 1));
        }
    }

    private static Map<String, Object> allowList() {
        Map<String, Object> allowed = new LinkedHashMap<>();
        allowed.put("collections.OrderedDict", (IObjectConstructor) TorchPickleUnpickler::orderedDict);
        allowed.put("torch._utils._rebuild_tensor_v2", (IObjectConstructor) TorchPickleUnpickler::rebuildTensor);
        allowed.put("torch._utils._rebuild_parameter", (IObjectConstructor) TorchPickleUnpickler::firstTensor);
        allowed.put("torch._utils._rebuild_parameter_with_state",
                (IObjectConstructor) TorchPickleUnpickler::firstTensor);
        allowed.put("torch.nn.parameter.Parameter", PARAMETER);
        allowed.put("torch._tensor._rebuild_from_type_v2",
                (IObjectConstructor) TorchPickleUnpickler::rebuildFromType);
        allowed.put("torch.Tensor", TENSOR_TYPE);
        for (TorchPickleDType dtype : TorchPickleDType.values()) {
            allowed.put(dtype.pythonName(), dtype);
        }
        return Map.copyOf(allowed);
    }

    private static Object orderedDict(Object[] args) {
        OrderedDict dict = new OrderedDict();
        if (args.length == 0) {
            return dict;
        }
        Object items = args[0];
        Object[] pairs = items instanceof List<?> list ? list.toArray() : items instanceof Object[] a ? a : null;
        if (args.length > 1 || pairs == null) {
            throw new IllegalArgumentException("unsupported OrderedDict arguments");
        }
        for (Object pair : pairs) {
            Object[] kv = pair instanceof List<?> list ? list.toArray() : pair instanceof Object[] a ? a : null;
            if (kv == null || kv.length != 2) {
                throw new IllegalArgumentException("OrderedDict item " + describe(pair) + " is not a pair");
            }
            dict.put(kv[0], kv[1]);
        }
        return dict;
    }

    // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
    private static Object rebuildTensor(Object[] args) {
        if (args.length < 6 || args.length > 7 || !(args[0] instanceof StorageRef storage)) {
            throw new IllegalArgumentException("unexpected arguments to torch._utils._rebuild_tensor_v2");
        }
        long[] size = longs(args[2], "size");
        long[] stride = longs(args[3], "stride");
        if (size.length != stride.length) {
            throw new IllegalArgumentException("tensor size " + Arrays.toString(size)
                    + " and stride " + Arrays.toString(stride) + " differ in rank");
        }
        return new TensorRef(storage, nonNegative(args[1], "storage offset"), size, stride);
    }

    // _rebuild_parameter(data, requires_grad, backward_hooks[, state]); Parameter(data, requires_grad)
    private static Object firstTensor(Object[] args) {
        if (args.length == 0 || !(args[0] instanceof TensorRef tensor)) {
            throw new IllegalArgumentException("a parameter is rebuilt from something other than a tensor");
        }
        return tensor;
    }

    // _rebuild_from_type_v2(func, new_type, args, state)
    private static Object rebuildFromType(Object[] args) {
        if (args.length != 4 || !(args[2] instanceof Object[] funcArgs)) {
            throw new IllegalArgumentException("unexpected arguments to torch._tensor._rebuild_from_type_v2");
        }
        Object type = args[1];
        if (type != TENSOR_TYPE && type != PARAMETER) {
            throw new IllegalArgumentException("tensor subclass " + describe(type) + " is not supported");
        }
        return firstTensor(new Object[] {call(args[0], funcArgs)});
    }

    private static long[] longs(Object value, String what) {
        if (!(value instanceof Object[] items)) {
            throw new IllegalArgumentException("tensor " + what + " is " + describe(value) + ", expected a tuple");
        }
        long[] out = new long[items.length];
        for (int i = 0; i < items.length; i++) {
            out[i] = nonNegative(items[i], "tensor " + what);
        }
        return out;
    }

    private static long nonNegative(Object value, String what) {
        if (!(value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte)) {
            throw new IllegalArgumentException(what + " is " + describe(value) + ", expected an integer");
        }
        long v = ((Number) value).longValue();
        if (v < 0) {
            throw new IllegalArgumentException(what + " is negative (" + v + ")");
        }
        return v;
    }

    private static String describe(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof Object[] a) {
            return "a tuple of " + a.length;
        }
        String text = value instanceof String s ? "'" + s + "'" : value.getClass().getSimpleName();
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}
