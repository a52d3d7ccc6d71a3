"""A host for the tinyq engine on wasmtime's Python API, through the ABI of runtime/tinyq.h.

The engine module imports nothing, so the host only instantiates it and calls its exports.
Each Engine has its own store, with fuel metering on and, when asked, its linear memory capped
at a number of 64 KiB pages: the engine checks before it grows memory, so a model that needs
more fails with OUT_OF_MEMORY instead of trapping.

    engine = Engine("build/tinyq.wasm", memory_pages=7)
    engine.load(open("person_detect.tflite", "rb").read())
    engine.set_input(0, image_bytes)
    engine.invoke()
    scores = engine.output(0)
"""

import math
from dataclasses import dataclass

import wasmtime

PAGE_BYTES = 65536
# Fuel given to each engine call: far above what an inference of the conformance models burns.
FUEL_PER_CALL = 10**12
# tq_error_code() values (runtime/tinyq.h), as the TypeScript host names them.
STATUS_NAMES = {
    1: "MALFORMED_MODEL", 2: "UNSUPPORTED_OPERATOR", 3: "UNSUPPORTED_TYPE", 4: "INVALID_MODEL",
    5: "OUT_OF_MEMORY", 6: "NOT_READY", 7: "INVALID_ARGUMENT",
}


class TinyqError(Exception):
    """An engine status (code as in STATUS_NAMES), or ENGINE_FAILURE for a trap."""

    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass
class TensorInfo:
    index: int
    name: str
    type: int
    shape: list
    bytes: int


def pages_for(memory_bytes):
    """The 64 KiB pages that hold memory_bytes."""
    return math.ceil(memory_bytes / PAGE_BYTES)


_runtime = None
_modules = {}


def _compiled(path):
    """The module at path, compiled once per process by an engine with fuel metering."""
    global _runtime
    if _runtime is None:
        config = wasmtime.Config()
        config.consume_fuel = True
        _runtime = wasmtime.Engine(config)
    if path not in _modules:
        _modules[path] = wasmtime.Module.from_file(_runtime, path)
    return _runtime, _modules[path]


class Engine:
    """One instance of the engine module in its own store."""

    def __init__(self, wasm_path, memory_pages=None):
        runtime, module = _compiled(str(wasm_path))
        self.store = wasmtime.Store(runtime)
        if memory_pages is not None:
            self.store.set_limits(memory_size=memory_pages * PAGE_BYTES)
        self.store.set_fuel(FUEL_PER_CALL)
        self.instance = wasmtime.Instance(self.store, module, [])
        self.exports = self.instance.exports(self.store)
        self.memory = self.exports["memory"]
        self.fuel_used = 0

    def _call(self, name, *args):
        self.store.set_fuel(FUEL_PER_CALL)
        try:
            result = self.exports[name](self.store, *args)
        except wasmtime.Trap as trap:
            raise TinyqError("ENGINE_FAILURE", f"the engine trapped in {name}: {trap.message}") from None
        self.fuel_used = FUEL_PER_CALL - self.store.get_fuel()
        return result

    def _read(self, offset, length):
        return bytes(self.memory.read(self.store, offset, offset + length))

    def _check(self, status):
        if status != 0:
            message = self._read(self._call("tq_error_message"), self._call("tq_error_length")).decode("utf-8", "replace")
            raise TinyqError(STATUS_NAMES.get(status, f"STATUS_{status}"), message)

    def load(self, model):
        """Reserves the model's region, writes the model there and prepares it."""
        offset = self._call("tq_model_reserve", len(model))
        if offset == 0:
            self._check(self._call("tq_error_code"))
        # Memory may have grown: write through the memory export, which always sees its current size.
        self.memory.write(self.store, model, offset)
        self._check(self._call("tq_init"))
        self.inputs = [self.tensor(self._call("tq_input_tensor", i)) for i in range(self._call("tq_input_count"))]
        self.outputs = [self.tensor(self._call("tq_output_tensor", j)) for j in range(self._call("tq_output_count"))]

    def tensor(self, t):
        name = self._read(self._call("tq_tensor_name", t), self._call("tq_tensor_name_length", t)).decode("utf-8", "replace")
        shape = [self._call("tq_tensor_dim", t, axis) for axis in range(self._call("tq_tensor_rank", t))]
        return TensorInfo(t, name, self._call("tq_tensor_type", t), shape, self._call("tq_tensor_bytes", t))

    @property
    def memory_bytes(self):
        """What the loaded model needs (tq_memory_bytes): engine data, model, parameters, arena."""
        return self._call("tq_memory_bytes")

    @property
    def arena_bytes(self):
        return self._call("tq_arena_bytes")

    def set_input(self, i, data):
        info = self.inputs[i]
        if len(data) != info.bytes:
            raise TinyqError("INVALID_INPUT", f"input {i} ({info.name}) takes {info.bytes} bytes, got {len(data)}")
        self.memory.write(self.store, data, self._call("tq_tensor_data", info.index))

    def invoke(self):
        """Runs the model once; returns the fuel the invocation burned."""
        self._check(self._call("tq_invoke"))
        return self.fuel_used

    def output(self, j):
        info = self.outputs[j]
        return self._read(self._call("tq_tensor_data", info.index), info.bytes)


def run_wasi_command(wasm_path, args, preopens, stdout_path, stderr_path):
    """Runs a WASI command module (build/tinyq-wasi*.wasm) with args after the program name and
    preopens as {guest path: host path}; returns its exit code."""
    runtime, module = _compiled(str(wasm_path))
    store = wasmtime.Store(runtime)
    store.set_fuel(FUEL_PER_CALL)
    wasi = wasmtime.WasiConfig()
    wasi.argv = ["tinyq-wasi.wasm", *args]
    for guest, host in preopens.items():
        wasi.preopen_dir(str(host), guest)
    wasi.stdout_file = str(stdout_path)
    wasi.stderr_file = str(stderr_path)
    store.set_wasi(wasi)
    linker = wasmtime.Linker(runtime)
    linker.define_wasi()
    instance = linker.instantiate(store, module)
    try:
        instance.exports(store)["_start"](store)
    except wasmtime.ExitTrap as exit_trap:
        return exit_trap.code
    return 0
