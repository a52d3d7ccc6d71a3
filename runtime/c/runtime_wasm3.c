/*
 * runtime_wasm3.c - the engine on wasm3, its interpreter. wasm3 has no public cap on linear
 * memory, so the budget is the engine's own (tq_set_memory_limit, which tinyq_host.c sets):
 * the engine never asks for more.
 */
#include <stddef.h>

#include "wasm3.h"

#include "runtime.h"

#define STACK_BYTES (64 * 1024)

const char runtime_name[] = "wasm3";

#define TQ_EXPORT_NAME(name, result, params) #name,
static const char *const export_names[TQ_EXPORT_COUNT] = { TQ_EXPORTS(TQ_EXPORT_NAME) };

static IM3Environment environment;
static IM3Runtime runtime;
static IM3Function functions[TQ_EXPORT_COUNT];

const char *runtime_start(const uint8_t *wasm, uint32_t length, uint32_t memory_budget)
{
    IM3Module module;
    M3Result result;
    uint32_t f;

    (void)memory_budget;
    environment = m3_NewEnvironment();
    if (!environment) return "m3_NewEnvironment failed";
    runtime = m3_NewRuntime(environment, STACK_BYTES, NULL);
    if (!runtime) return "m3_NewRuntime failed";
    /* wasm3 reads the bytecode in place: it may stay in flash. */
    result = m3_ParseModule(environment, &module, wasm, length);
    if (result) return result;
    result = m3_LoadModule(runtime, module);
    if (result) return result;
    for (f = 0; f < TQ_EXPORT_COUNT; f++) {
        result = m3_FindFunction(&functions[f], runtime, export_names[f]);
        if (result) return export_names[f];
    }
    return NULL;
}

const char *runtime_call(enum tq_export function, uint32_t argc, const int32_t *argv, int32_t *result)
{
    const void *arguments[4];
    const void *results[1];
    M3Result outcome;
    uint32_t i;

    for (i = 0; i < argc && i < 4; i++) arguments[i] = &argv[i];
    outcome = m3_Call(functions[function], argc, arguments);
    if (outcome) return outcome;
    if (result && m3_GetRetCount(functions[function]) == 1) {
        results[0] = result;
        outcome = m3_GetResults(functions[function], 1, results);
    }
    return outcome;
}

uint8_t *runtime_memory(uint32_t *size)
{
    return m3_GetMemory(runtime, size, 0);
}

void runtime_stop(void)
{
    if (runtime) m3_FreeRuntime(runtime);
    if (environment) m3_FreeEnvironment(environment);
}
