// Runs mutants through load and invoke in a worker thread, so that the fuzzer can end a hang.
import { parentPort } from 'node:worker_threads';
import { Interpreter, TinyqError } from '../../src/index.js';
import type { EngineKind } from '../../src/engine.js';
import { Random } from './mutate.js';

export interface MutantRequest {
  bytes: Uint8Array;
  engines: EngineKind[];
  memoryLimit: number;
  inputSeed: number;
}

/** 'ran', 'rejected:<code>', or a failure: 'trap', 'exception', 'memory'. */
export interface MutantOutcome {
  engine: EngineKind;
  outcome: string;
  message?: string;
}

async function runOne(request: MutantRequest, engine: EngineKind): Promise<MutantOutcome> {
  try {
    const interpreter = await Interpreter.load(request.bytes, { engine, memoryLimit: request.memoryLimit });
    const random = new Random(request.inputSeed);
    for (let i = 0; i < interpreter.inputs.length; i++) {
      interpreter.setInputBytes(i, Uint8Array.from({ length: interpreter.inputs[i].bytes }, () => random.below(256)));
    }
    interpreter.invoke();
    interpreter.invoke();
    for (let j = 0; j < interpreter.outputs.length; j++) interpreter.outputBytes(j);
    if (interpreter.memoryBytes > request.memoryLimit) {
      return { engine, outcome: 'memory', message: `${interpreter.memoryBytes} bytes in use over a limit of ${request.memoryLimit}` };
    }
    return { engine, outcome: 'ran' };
  } catch (error) {
    if (!(error instanceof TinyqError)) return { engine, outcome: 'exception', message: String((error as Error)?.stack ?? error) };
    if (error.code === 'ENGINE_FAILURE') return { engine, outcome: 'trap', message: error.message };
    return { engine, outcome: `rejected:${error.code}` };
  }
}

parentPort!.on('message', async (request: MutantRequest) => {
  const outcomes: MutantOutcome[] = [];
  for (const engine of request.engines) outcomes.push(await runOne(request, engine));
  parentPort!.postMessage(outcomes);
});
