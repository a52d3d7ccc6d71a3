/*
 * runtime_wamr.c - the engine on WAMR (wasm-micro-runtime), its interpreter, as firmware runs
 * it: the runtime allocates from one static pool (the loaded module, and linear memory where
 * WAMR does not map it with guard pages), and linear memory is capped at the budget's pages
 * (a refused grow is the engine's TQ_OUT_OF_MEMORY, not a trap).
 */
#include <stddef.h>
#include <string.h>

#include "wasm_export.h"

#include "runtime.h"

#ifndef WAMR_POOL_BYTES
/* The runtime's data, the loaded module and (where WAMR does not map it with guard pages) linear memory. */
#define WAMR_POOL_BYTES (4 * 1024 * 1024)
#endif
#define STACK_BYTES (64 * 1024)
#define PAGE_BYTES 65536u

const char runtime_name[] = "WAMR";

#define TQ_EXPORT_NAME(name, result, params) #name,
static const char *const export_names[TQ_EXPORT_COUNT] = { TQ_EXPORTS(TQ_EXPORT_NAME) };

static char pool[WAMR_POOL_BYTES] __attribute__((aligned(16)));
static char error[128];
static uint8_t *bytecode;
static wasm_module_t module;
static wasm_module_inst_t instance;
static wasm_exec_env_t exec_env;
static wasm_function_inst_t functions[TQ_EXPORT_COUNT];

const char *runtime_start(const uint8_t *wasm, uint32_t length, uint32_t memory_budget)
{
    RuntimeInitArgs init;
    InstantiationArgs instantiation;
    uint32_t f;

    memset(&init, 0, sizeof init);
    init.mem_alloc_type = Alloc_With_Pool;
    init.mem_alloc_option.pool.heap_buf = pool;
    init.mem_alloc_option.pool.heap_size = sizeof pool;
    if (!wasm_runtime_full_init(&init)) return "wasm_runtime_full_init failed";
    /* WAMR patches the bytecode it loads and keeps referring to it: load a copy in the pool. */
    bytecode = wasm_runtime_malloc(length);
    if (!bytecode) return "the pool has no room for the engine's bytecode: raise WAMR_POOL_BYTES";
    memcpy(bytecode, wasm, length);
    module = wasm_runtime_load(bytecode, length, error, sizeof error);
    if (!module) return error;
    memset(&instantiation, 0, sizeof instantiation);
    instantiation.default_stack_size = STACK_BYTES;
    instantiation.max_memory_pages = (memory_budget + PAGE_BYTES - 1) / PAGE_BYTES;
    instance = wasm_runtime_instantiate_ex(module, &instantiation, error, sizeof error);
    if (!instance) return error;
    exec_env = wasm_runtime_create_exec_env(instance, STACK_BYTES);
    if (!exec_env) return "wasm_runtime_create_exec_env failed";
    for (f = 0; f < TQ_EXPORT_COUNT; f++) {
        functions[f] = wasm_runtime_lookup_function(instance, export_names[f]);
        if (!functions[f]) return export_names[f];
    }
    return NULL;
}

const char *runtime_call(enum tq_export function, uint32_t argc, const int32_t *argv, int32_t *result)
{
    uint32_t cells[4] = { 0 };
    uint32_t i;

    for (i = 0; i < argc && i < 4; i++) cells[i] = (uint32_t)argv[i];
    if (!wasm_runtime_call_wasm(exec_env, functions[function], argc, cells)) return wasm_runtime_get_exception(instance);
    if (result) *result = (int32_t)cells[0];
    return NULL;
}

uint8_t *runtime_memory(uint32_t *size)
{
    wasm_memory_inst_t memory = wasm_runtime_get_default_memory(instance);
    *size = (uint32_t)(wasm_memory_get_cur_page_count(memory) * wasm_memory_get_bytes_per_page(memory));
    return wasm_memory_get_base_address(memory);
}

void runtime_stop(void)
{
    if (exec_env) wasm_runtime_destroy_exec_env(exec_env);
    if (instance) wasm_runtime_deinstantiate(instance);
    if (module) wasm_runtime_unload(module);
    if (bytecode) wasm_runtime_free(bytecode);
    wasm_runtime_destroy();
}
