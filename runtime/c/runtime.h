/*
 * runtime.h - what tinyq_host.c needs from a WebAssembly runtime: one instance of the engine
 * module, calls of its exports, and its linear memory. runtime_wamr.c (WAMR's embedding API)
 * and runtime_wasm3.c (wasm3's) implement it; the Makefile links one of them.
 */
#ifndef TINYQ_RUNTIME_H
#define TINYQ_RUNTIME_H

#include <stdint.h>

#include "../tinyq.h"

/* One value per engine export, in TQ_EXPORTS order: tq_init_export, tq_invoke_export, ... */
#define TQ_EXPORT_ENUM(name, result, params) name##_export,
enum tq_export { TQ_EXPORTS(TQ_EXPORT_ENUM) TQ_EXPORT_COUNT };

/* The runtime's name, for messages. */
extern const char runtime_name[];

/* Instantiates the engine module from `wasm` (which must stay valid) with linear memory
   capped at memory_budget bytes, and finds every export. Returns NULL or an error message. */
const char *runtime_start(const uint8_t *wasm, uint32_t length, uint32_t memory_budget);

/* Calls an export whose parameters and result are i32 (all the host uses). Returns NULL, or
   the runtime's message for a trap. */
const char *runtime_call(enum tq_export function, uint32_t argc, const int32_t *argv, int32_t *result);

/* The base of linear memory and its current size; memory may move when it grows. */
uint8_t *runtime_memory(uint32_t *size);

void runtime_stop(void);

#endif /* TINYQ_RUNTIME_H */
