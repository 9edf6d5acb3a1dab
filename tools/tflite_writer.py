"""tflite_writer.py — write TensorFlow Lite model files (.tflite, schema 3) without TensorFlow.

A small FlatBuffer serializer (written from the FlatBuffers binary format description) and a
model builder for the fields nerve reads: operator codes, one subgraph with tensors (shape,
type, buffer, name, per-tensor or per-channel quantization), operators with builtin options,
and buffers. Used by tools/make_test_tflite.py and tools/train_int8_model.py.

    m = ModelBuilder()
    x = m.tensor("input", [1, 4], INT8, scale=0.1, zero_point=-3)
    w = m.tensor("w", [2, 4], INT8, data=np.int8(...), scale=[...], zero_point=[0, 0], quantized_dimension=0)
    ...
    m.op(FULLY_CONNECTED, [x, w, b], [y], FC_OPTIONS, fc_options(activation=RELU))
    open("m.tflite", "wb").write(m.finish(inputs=[x], outputs=[y]))

Layout: the buffer is written front to back; every table is preceded by its vtable (so the
soffset is positive) and every child (sub-table, vector, string) is placed after the object
that refers to it, so all uoffsets point forward as the format requires. Buffer data is
16-byte aligned (the schema's force_align), so int32 biases are aligned in the file.
"""
import struct

import numpy as np

# TensorType
FLOAT32, INT32, UINT8, INT64, INT16, INT8 = 0, 2, 3, 4, 7, 9
# BuiltinOperator
ADD, AVERAGE_POOL_2D, CONV_2D, DEPTHWISE_CONV_2D, DEQUANTIZE = 0, 1, 3, 4, 6
FULLY_CONNECTED, LOGISTIC, MAX_POOL_2D, MUL, RESHAPE, SOFTMAX, TANH = 9, 14, 17, 18, 22, 25, 28
MEAN, SQUEEZE, EXPAND_DIMS, QUANTIZE = 40, 43, 70, 114
# BuiltinOptions union tags
NO_OPTIONS, CONV_OPTIONS, DW_OPTIONS, POOL_OPTIONS, FC_OPTIONS, SOFTMAX_OPTIONS = 0, 1, 2, 5, 8, 9
ADD_OPTIONS, RESHAPE_OPTIONS, MUL_OPTIONS, REDUCER_OPTIONS, SQUEEZE_OPTIONS = 11, 17, 21, 27, 30
# ActivationFunctionType, Padding
NONE, RELU, RELU_N1_TO_1, RELU6 = 0, 1, 2, 3
SAME, VALID = 0, 1


class Table:
    """fields: {index: (kind, value)}, kind one of u8 i8 bool i32 u32 f32 i64 u64 or 'off'."""

    def __init__(self, **_):
        self.fields = {}

    def set(self, index, kind, value):
        if value is not None:
            self.fields[index] = (kind, value)
        return self


class Vector:
    def __init__(self, kind, values, align=4):
        self.kind, self.align = kind, align
        self.values = bytes(values) if isinstance(values, (bytes, bytearray)) else list(values)


class String:
    def __init__(self, s):
        self.data = s.encode() if isinstance(s, str) else bytes(s)


_FMT = {"u8": "<B", "i8": "<b", "bool": "<B", "i32": "<i", "u32": "<I", "f32": "<f",
        "i64": "<q", "u64": "<Q", "off": "<I"}


def _size(kind):
    return struct.calcsize(_FMT[kind])


class _Writer:
    def __init__(self):
        self.buf = bytearray()
        self.pending = []  # (patch position, child object)

    def pad_to(self, align, extra=0):
        while (len(self.buf) + extra) % align:
            self.buf.append(0)

    def put(self, kind, value):
        self.buf += struct.pack(_FMT[kind], value)

    def obj(self, o):
        if isinstance(o, Table):
            return self.table(o)
        if isinstance(o, Vector):
            return self.vector(o)
        if isinstance(o, String):
            return self.string(o)
        raise TypeError(o)

    def table(self, t):
        n = max(t.fields) + 1 if t.fields else 0
        # inline layout: soffset, then fields by descending size (each naturally aligned)
        order = sorted(t.fields, key=lambda i: -_size(t.fields[i][0]))
        offs, pos = {}, 4
        for i in order:
            s = _size(t.fields[i][0])
            pos = (pos + s - 1) // s * s
            offs[i] = pos
            pos += s
        tsize = (pos + 3) // 4 * 4
        vt = [4 + 2 * n, tsize] + [offs.get(i, 0) for i in range(n)]
        vbytes = struct.pack("<%dH" % len(vt), *vt)
        # place the vtable so that the table right after it starts 8-aligned
        self.pad_to(8, len(vbytes))
        vpos = len(self.buf)
        self.buf += vbytes
        tpos = len(self.buf)
        assert tpos % 8 == 0
        self.buf += bytes(tsize)
        struct.pack_into("<i", self.buf, tpos, tpos - vpos)
        for i, (kind, value) in t.fields.items():
            if kind == "off":
                self.pending.append((tpos + offs[i], value))
            else:
                struct.pack_into(_FMT[kind], self.buf, tpos + offs[i], value)
        return tpos

    def vector(self, v):
        if v.kind in ("table", "string"):
            self.pad_to(4)
            pos = len(self.buf)
            self.put("u32", len(v.values))
            for x in v.values:
                self.pending.append((len(self.buf), x if v.kind == "table" else String(x)))
                self.put("u32", 0)
            return pos
        es = _size(v.kind)
        self.pad_to(max(4, es, v.align), 4)
        pos = len(self.buf)
        self.put("u32", len(v.values))
        if v.kind == "u8" and isinstance(v.values, (bytes, bytearray)):
            self.buf += v.values
        else:
            for x in v.values:
                self.put(v.kind, x)
        return pos

    def string(self, s):
        self.pad_to(4)
        pos = len(self.buf)
        self.put("u32", len(s.data))
        self.buf += s.data + b"\0"
        return pos

    def finish(self, root, ident=b"TFL3"):
        self.buf += bytes(4) + ident
        root_pos = self.obj(root)
        struct.pack_into("<I", self.buf, 0, root_pos)
        while self.pending:
            patch, child = self.pending.pop(0)
            p = self.obj(child)
            assert p > patch
            struct.pack_into("<I", self.buf, patch, p - patch)
        self.pad_to(16)
        return bytes(self.buf)


def _off(x):
    return ("off", x)


# ---- option tables ---------------------------------------------------------------------------

def fc_options(activation=NONE, keep_num_dims=False):
    return Table().set(0, "i8", activation).set(2, "bool", int(keep_num_dims))


def conv_options(padding=VALID, stride_w=1, stride_h=1, activation=NONE, dilation_w=1, dilation_h=1):
    return (Table().set(0, "i8", padding).set(1, "i32", stride_w).set(2, "i32", stride_h)
            .set(3, "i8", activation).set(4, "i32", dilation_w).set(5, "i32", dilation_h))


def dw_options(padding=VALID, stride_w=1, stride_h=1, depth_multiplier=1, activation=NONE, dilation_w=1, dilation_h=1):
    return (Table().set(0, "i8", padding).set(1, "i32", stride_w).set(2, "i32", stride_h)
            .set(3, "i32", depth_multiplier).set(4, "i8", activation).set(5, "i32", dilation_w)
            .set(6, "i32", dilation_h))


def pool_options(padding=VALID, stride_w=1, stride_h=1, filter_w=1, filter_h=1, activation=NONE):
    return (Table().set(0, "i8", padding).set(1, "i32", stride_w).set(2, "i32", stride_h)
            .set(3, "i32", filter_w).set(4, "i32", filter_h).set(5, "i8", activation))


def softmax_options(beta=1.0):
    return Table().set(0, "f32", beta)


def act_options(activation=NONE):
    return Table().set(0, "i8", activation)


def reshape_options(new_shape):
    return Table().set(0, "off", Vector("i32", new_shape))


def reducer_options(keep_dims):
    return Table().set(0, "bool", int(keep_dims))


# ---- the model ---------------------------------------------------------------------------------

class ModelBuilder:
    def __init__(self, description="nerve tflite_writer"):
        self.description = description
        self.tensors = []   # Table per tensor
        self.buffers = [b""]  # buffer 0: the empty sentinel
        self.codes = []     # builtin codes
        self.ops = []

    def tensor(self, name, shape, ttype, data=None, scale=None, zero_point=None, quantized_dimension=0):
        """Adds a tensor; `data` (numpy array or bytes) makes it constant. Returns its index."""
        if data is not None:
            raw = data.tobytes() if isinstance(data, np.ndarray) else bytes(data)
            self.buffers.append(raw)
            buf = len(self.buffers) - 1
        else:
            self.buffers.append(b"")  # as the TFLite converter does: one empty buffer per activation
            buf = len(self.buffers) - 1
        t = Table().set(0, "off", Vector("i32", [int(d) for d in shape])).set(1, "i8", ttype).set(2, "u32", buf)
        t.set(3, "off", String(name))
        if scale is not None:
            s = list(np.atleast_1d(np.asarray(scale, dtype=np.float32)))
            z = list(np.atleast_1d(np.asarray(zero_point if zero_point is not None else 0, dtype=np.int64)))
            if len(z) == 1 and len(s) > 1:
                z = z * len(s)
            q = Table().set(2, "off", Vector("f32", [float(x) for x in s])).set(3, "off", Vector("i64", [int(x) for x in z]))
            q.set(6, "i32", quantized_dimension)
            t.set(4, "off", q)
        self.tensors.append(t)
        return len(self.tensors) - 1

    def op(self, code, inputs, outputs, options_type=NO_OPTIONS, options=None, code_style="both"):
        """code_style: "both" (what converters write since schema 3a: the int8 deprecated code
        capped at 127 and the int32 code) or "deprecated" (an old file: the int8 field only)."""
        key = (code, code_style)
        if key not in self.codes:
            self.codes.append(key)
        o = Table().set(0, "u32", self.codes.index(key))
        o.set(1, "off", Vector("i32", inputs)).set(2, "off", Vector("i32", outputs))
        if options is not None:
            o.set(3, "u8", options_type).set(4, "off", options)
        self.ops.append(o)

    def finish(self, inputs, outputs):
        codes = []
        for c, style in self.codes:
            t = Table().set(0, "i8", min(c, 127)).set(2, "i32", 1)
            if style == "both":
                t.set(3, "i32", c)
            codes.append(t)
        bufs = []
        for b in self.buffers:
            t = Table()
            if b:
                t.set(0, "off", Vector("u8", bytes(b), align=16))
            bufs.append(t)
        sg = (Table().set(0, "off", Vector("table", self.tensors)).set(1, "off", Vector("i32", inputs))
              .set(2, "off", Vector("i32", outputs)).set(3, "off", Vector("table", self.ops))
              .set(4, "off", String("main")))
        model = (Table().set(0, "u32", 3).set(1, "off", Vector("table", codes))
                 .set(2, "off", Vector("table", [sg])).set(3, "off", String(self.description))
                 .set(4, "off", Vector("table", bufs)))
        return _Writer().finish(model)
