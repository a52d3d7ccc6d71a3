/*
 * tinyq.h - the tinyq engine ABI for C hosts (WAMR, wasm3, wasmtime's C API, ...).
 *
 * The engine is a WebAssembly module (build/tinyq.wasm: scalar, for wasm3 and WAMR's
 * interpreter; build/tinyq-simd.wasm: adds 128-bit SIMD). It imports nothing and exports the
 * functions below plus its linear memory, named "memory". Nothing here is linked into the
 * host: each function is a wasm export that the host looks up by name and calls through its
 * runtime (m3_FindFunction + m3_CallV, wasm_runtime_lookup_function + wasm_runtime_call_wasm,
 * wasmtime_instance_export_get + wasmtime_func_call). The prototypes are function *types*
 * (tq_init_fn, ...) that state each export's signature with its wasm32 types:
 *
 *   i32 -> int32_t, or uint32_t where the value is unsigned; f32 -> float; f64 -> double.
 *
 * tq_offset values are byte offsets into the module's linear memory "memory", NOT host
 * pointers: the host adds them to the memory's current base address (wasm3: m3_GetMemory;
 * WAMR: wasm_runtime_addr_app_to_native; wasmtime: wasmtime_memory_data). 0 means "none".
 *
 * Protocol
 *   1. Optionally tq_set_memory_limit(bytes) to cap the engine's linear memory.
 *   2. offset = tq_model_reserve(n); if 0, read the error (below). Write the n model bytes
 *      at offset. Keep them there unchanged: the engine reads weights in place.
 *   3. tq_init(): reads, validates and prepares the model, plans the arena. TQ_OK or an error.
 *   4. For i < tq_input_count(): t = tq_input_tensor(i) is a tensor index; describe it with
 *      tq_tensor_type/rank/dim/bytes/scale/zero_point and write its tq_tensor_bytes(t) bytes
 *      at tq_tensor_data(t). Outputs the same way with tq_output_count/tq_output_tensor.
 *   5. tq_invoke(), then read the outputs at tq_tensor_data(t). Repeat 4-5 per inference:
 *      activations share arena bytes, so an invoke may overwrite its inputs; write every
 *      input before each tq_invoke. Outputs stay valid until the next tq_invoke or load.
 *   6. Recurrent models (SVDF, LSTM) keep state in variable tensors that carry over from one
 *      tq_invoke to the next; tq_reset() puts it back to its initial value, e.g. between two
 *      independent input sequences.
 *   Errors: a failing call returns a non-zero status (tq_model_reserve returns offset 0);
 *   tq_error_code() is that status and the message is tq_error_length() UTF-8 bytes at
 *   tq_error_message() (not NUL-terminated). The engine does not trap on a bad model or bad
 *   input; a query given a bad index returns -1 (0 for offsets, lengths, flags, quantization).
 *   Memory: linear memory may grow during tq_model_reserve and tq_init, so re-read the memory
 *   base (and size) after those calls; it never grows during tq_invoke or the queries.
 *   tq_model_reserve discards the previous model; calling tq_init again re-prepares the
 *   model written at the reserved region without leaking.
 *
 * Looking the exports up: TQ_EXPORTS(X) expands X(name, result, params) once per export,
 * with result and params in wasm3's signature letters (v none, i i32, f f32, F f64), so
 * #result "(" #params ")" is the export's signature as m3_LinkRawFunction writes them
 * ("i(ii)"), for a host that checks it. With wasm3:
 *
 *   #define TQ_SLOT(name, result, params) IM3Function name;
 *   #define TQ_FIND(name, result, params) \
 *     if (m3_FindFunction(&engine->name, runtime, #name)) return #name;
 *   struct tq_engine { TQ_EXPORTS(TQ_SLOT) };
 *   const char *tq_find_exports(struct tq_engine *engine, IM3Runtime runtime)
 *   { TQ_EXPORTS(TQ_FIND) return NULL; }
 *
 * and the same with wasm_function_inst_t and wasm_runtime_lookup_function(inst, #name) for
 * WAMR (older WAMR versions take a third, unused signature argument: pass NULL).
 *
 * Plain C99; no definitions, only types and macros.
 */
#ifndef TINYQ_H
#define TINYQ_H

#include <stdint.h>

/* The value tq_abi_version() returns for the ABI described here. */
#define TQ_ABI_VERSION 1

/* Name of the exported linear memory. */
#define TQ_MEMORY_EXPORT "memory"

/* A byte offset into the module's linear memory (wasm32 i32); 0 means none. */
typedef uint32_t tq_offset;

/* Status codes (assembly/status.ts). */
#define TQ_OK                   0
#define TQ_MALFORMED_MODEL      1 /* bytes are not a well-formed .tflite flatbuffer */
#define TQ_UNSUPPORTED_OPERATOR 2 /* an operator the engine has no kernel for */
#define TQ_UNSUPPORTED_TYPE     3 /* an element type, or a type combination, not supported */
#define TQ_INVALID_MODEL        4 /* well-formed but inconsistent: shapes, quantization, ... */
#define TQ_OUT_OF_MEMORY        5 /* over tq_set_memory_limit, or the runtime refused to grow */
#define TQ_NOT_READY            6 /* tq_init without a reserved model, tq_invoke/tq_reset before tq_init */
#define TQ_INVALID_ARGUMENT     7 /* e.g. tq_model_reserve of fewer than 8 bytes, a GATHER position outside its axis */

/* Tensor element types returned by tq_tensor_type: TFLite's TensorType numbering. These are
   the types the engine holds; a model with any other (string 5, resource 13, variant 14,
   int4 17, ...) is refused at tq_init with TQ_UNSUPPORTED_TYPE. Kernels take int8, uint8 and
   int16 activations; the others occur in constants, indices and float model boundaries. */
#define TQ_TYPE_FLOAT32     0
#define TQ_TYPE_FLOAT16     1
#define TQ_TYPE_INT32       2
#define TQ_TYPE_UINT8       3
#define TQ_TYPE_INT64       4
#define TQ_TYPE_BOOL        6
#define TQ_TYPE_INT16       7
#define TQ_TYPE_COMPLEX64   8
#define TQ_TYPE_INT8        9
#define TQ_TYPE_FLOAT64    10
#define TQ_TYPE_COMPLEX128 11
#define TQ_TYPE_UINT64     12
#define TQ_TYPE_UINT32     15
#define TQ_TYPE_UINT16     16

/* ---- Build and memory ---------------------------------------------------------------- */

/* TQ_ABI_VERSION of the module; bumped when a function changes meaning. */
typedef int32_t tq_abi_version_fn(void);

/* 1 when this build uses 128-bit SIMD (tinyq-simd.wasm), 0 for the scalar build. */
typedef int32_t tq_simd_fn(void);

/* Caps the engine's linear memory at `bytes`; later loads that need more fail with
   TQ_OUT_OF_MEMORY and a message giving the size they need. Default: no cap (0xFFFFFFFF).
   A runtime's own cap on linear memory works the same way: the engine grows memory only
   after checking, so a refused grow is that error too. */
typedef void tq_set_memory_limit_fn(uint32_t bytes);

/* Bytes of the activation arena of the loaded model (0 before a successful tq_init). */
typedef int32_t tq_arena_bytes_fn(void);

/* Bytes of linear memory the loaded model needs: the engine's data, the model, prepared
   parameters, the arena, and the headroom loading keeps for an error message. A limit of at
   least this many bytes (tq_set_memory_limit, or a runtime cap on linear memory of this many
   bytes rounded up to 64 KiB pages) loads the model again; a smaller one fails with
   TQ_OUT_OF_MEMORY, never a trap. */
typedef int32_t tq_memory_bytes_fn(void);

/* A lower bound on the arena of the loaded model: the largest sum of activation and scratch
   bytes (each rounded up to 16) alive at one operator, over the same lifetimes the planner
   uses. No placement fits in fewer bytes; tq_arena_bytes() / this is the planner's overhead.
   0 before a successful tq_init. */
typedef int32_t tq_arena_lower_bound_fn(void);

/* How many times the loaded model's requantization rounds: 2, as TFLite's reference kernels, or
   1 when the model's metadata entry "tinyq.requantization" holds "single-rounding" (TFLite's
   TFLITE_SINGLE_ROUNDING; `tinyq convert` writes it into models converted from ONNX, whose
   runtime rounds once). 0 before a successful tq_init. */
typedef int32_t tq_requantization_roundings_fn(void);

/* ---- Life cycle ------------------------------------------------------------------------ */

/* Discards any loaded model and reserves `length` bytes for the model file; returns where
   to write them (16-byte aligned), or 0 with the error set. May grow memory. */
typedef tq_offset tq_model_reserve_fn(uint32_t length);

/* Reads, validates and prepares the model written at the reserved region and allocates the
   arena. Returns TQ_OK or an error status. May grow memory. */
typedef int32_t tq_init_fn(void);

/* Runs the model once over the current inputs. Returns TQ_OK, TQ_NOT_READY before a
   successful tq_init, or TQ_INVALID_ARGUMENT when a kernel meets a value computed at run time
   that it cannot use (a GATHER position outside its axis, FILL dims that differ from the
   output's shape); the outputs are then undefined. Allocates nothing; memory does not grow. */
typedef int32_t tq_invoke_fn(void);

/* Runs operator i alone, for hosts that read every intermediate tensor (a quantizer's
   calibration, per-layer error reports): call it for i = 0, 1, ... tq_operator_count() - 1 in
   order, and read operator i's output tensors right after it returns, since later operators may
   reuse their arena bytes. Running all operators in order equals one tq_invoke. Returns TQ_OK,
   TQ_NOT_READY before a successful tq_init, TQ_INVALID_ARGUMENT for an index out of range or a
   run-time value the kernel cannot use. Allocates nothing. */
typedef int32_t tq_invoke_operator_fn(int32_t i);

/* Restores every variable tensor (the state of recurrent operators) to the value it had after
   tq_init, as TFLite's ResetVariableTensors does: all bytes 0, int8 tensors their zero point.
   Inputs, outputs and the loaded model are kept. Returns TQ_OK, or TQ_NOT_READY before a
   successful tq_init. Allocates nothing. */
typedef int32_t tq_reset_fn(void);

/* ---- Errors ---------------------------------------------------------------------------- */

/* Status of the last failure of tq_model_reserve, tq_init, tq_invoke or tq_reset; TQ_OK after
   a successful tq_model_reserve, tq_init, tq_invoke or tq_reset. */
typedef int32_t tq_error_code_fn(void);

/* Offset of the error message: tq_error_length() UTF-8 bytes (at most 512), no NUL. */
typedef tq_offset tq_error_message_fn(void);
typedef int32_t tq_error_length_fn(void);

/* ---- Graph inputs and outputs (0 counts and -1 indices before a successful tq_init) ----- */

typedef int32_t tq_input_count_fn(void);
typedef int32_t tq_output_count_fn(void);

/* Tensor index of graph input / output i, or -1. */
typedef int32_t tq_input_tensor_fn(int32_t i);
typedef int32_t tq_output_tensor_fn(int32_t i);

/* ---- Tensors (t is a tensor index, 0 <= t < tq_tensor_count()) ------------------------- */

typedef int32_t tq_tensor_count_fn(void);

/* TQ_TYPE_* element type, or -1. Constant int4 weights (TFLite type 17, two values per byte)
   are unpacked to int8 at tq_init and report TQ_TYPE_INT8. */
typedef int32_t tq_tensor_type_fn(int32_t t);

/* Number of dimensions (0 for a scalar), or -1. */
typedef int32_t tq_tensor_rank_fn(int32_t t);

/* Extent of dimension `axis` (0 is outermost; shapes are NHWC as in TFLite), or -1. */
typedef int32_t tq_tensor_dim_fn(int32_t t, int32_t axis);

/* Byte length of the tensor's data (elements x element size), or -1. */
typedef int32_t tq_tensor_bytes_fn(int32_t t);

/* Offset of the tensor's data, little-endian, row-major: in the arena (16-byte aligned) for
   activations, inside the model bytes for constants (in engine memory for unpacked int4
   weights); 0 if it has none. */
typedef tq_offset tq_tensor_data_fn(int32_t t);

/* Quantization, real = scale * (q - zero_point). Per-channel tensors (weights) report
   channel 0's. Both are 0 when tq_tensor_is_quantized(t) is 0 or t is a bad index. */
typedef float tq_tensor_scale_fn(int32_t t);
typedef int32_t tq_tensor_zero_point_fn(int32_t t);

/* 1 when the tensor has per-tensor or per-channel quantization parameters, else 0. */
typedef int32_t tq_tensor_is_quantized_fn(int32_t t);

/* 1 when the tensor's data is a constant in the model (weights, bias), else 0. */
typedef int32_t tq_tensor_is_constant_fn(int32_t t);

/* The tensor's name: tq_tensor_name_length(t) UTF-8 bytes at tq_tensor_name(t), inside the
   model bytes, no NUL; 0 and 0 when unnamed or for a bad index. */
typedef tq_offset tq_tensor_name_fn(int32_t t);
typedef int32_t tq_tensor_name_length_fn(int32_t t);

/* ---- Operators (i is an operator index in execution order) ----------------------------- */

typedef int32_t tq_operator_count_fn(void);

/* TFLite BuiltinOperator code of operator i, or -1. */
typedef int32_t tq_operator_code_fn(int32_t i);

/* Operator version from the model's operator code table, or -1. */
typedef int32_t tq_operator_version_fn(int32_t i);

/* Multiply-accumulates of operator i per invoke (0 for operators without products). */
typedef double tq_operator_macs_fn(int32_t i);

/* Scratch bytes operator i asked for at tq_init (im2col rows, accumulators), placed in the
   arena and alive only while operator i runs; 0 if none, -1 for a bad index. */
typedef int32_t tq_operator_scratch_bytes_fn(int32_t i);

/* Inputs / outputs of operator i: counts (or -1), and the tensor index of entry k (-1 for
   an absent optional input or a bad index). */
typedef int32_t tq_operator_input_count_fn(int32_t i);
typedef int32_t tq_operator_input_fn(int32_t i, int32_t k);
typedef int32_t tq_operator_output_count_fn(int32_t i);
typedef int32_t tq_operator_output_fn(int32_t i, int32_t k);

/* Writes the name of BuiltinOperator `code` ("CONV_2D", ...) as UTF-8 at tq_text() and
   returns its length in bytes (at most 64, no NUL; 0 for a code without a name). The buffer is
   reused by every call. */
typedef int32_t tq_operator_name_fn(int32_t code);
typedef tq_offset tq_text_fn(void);

/* ---- Every export, for lookup by name: X(name, result, params) ------------------------- */

#define TQ_EXPORTS(X)                  \
  X(tq_abi_version, i, )               \
  X(tq_simd, i, )                      \
  X(tq_set_memory_limit, v, i)         \
  X(tq_model_reserve, i, i)            \
  X(tq_init, i, )                      \
  X(tq_invoke, i, )                    \
  X(tq_invoke_operator, i, i)          \
  X(tq_reset, i, )                     \
  X(tq_error_code, i, )                \
  X(tq_error_message, i, )             \
  X(tq_error_length, i, )              \
  X(tq_arena_bytes, i, )               \
  X(tq_memory_bytes, i, )              \
  X(tq_arena_lower_bound, i, )         \
  X(tq_requantization_roundings, i, )  \
  X(tq_input_count, i, )               \
  X(tq_output_count, i, )              \
  X(tq_input_tensor, i, i)             \
  X(tq_output_tensor, i, i)            \
  X(tq_tensor_count, i, )              \
  X(tq_tensor_type, i, i)              \
  X(tq_tensor_rank, i, i)              \
  X(tq_tensor_dim, i, ii)              \
  X(tq_tensor_bytes, i, i)             \
  X(tq_tensor_data, i, i)              \
  X(tq_tensor_scale, f, i)             \
  X(tq_tensor_zero_point, i, i)        \
  X(tq_tensor_is_quantized, i, i)      \
  X(tq_tensor_is_constant, i, i)       \
  X(tq_tensor_name, i, i)              \
  X(tq_tensor_name_length, i, i)       \
  X(tq_operator_count, i, )            \
  X(tq_operator_code, i, i)            \
  X(tq_operator_version, i, i)         \
  X(tq_operator_macs, F, i)            \
  X(tq_operator_scratch_bytes, i, i)   \
  X(tq_operator_input_count, i, i)     \
  X(tq_operator_input, i, ii)          \
  X(tq_operator_output_count, i, i)    \
  X(tq_operator_output, i, ii)         \
  X(tq_operator_name, i, i)            \
  X(tq_text, i, )

#endif /* TINYQ_H */
