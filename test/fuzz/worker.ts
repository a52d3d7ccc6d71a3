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
      interpreter.setInputBytes(i, randomBytes(random, interpreter.inputs[i].bytes));
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

/** Random bytes, four per draw: inputs of mutated models can be hundreds of megabytes. */
function randomBytes(random: Random, length: number): Uint8Array {
  const words = new Uint32Array(Math.ceil(length / 4));
  for (let k = 0; k < words.length; k++) words[k] = random.next() * 4294967296;
  return new Uint8Array(words.buffer, 0, length);
}

parentPort!.on('message', async (request: MutantRequest) => {
  const outcomes: MutantOutcome[] = [];
  for (const engine of request.engines) outcomes.push(await runOne(request, engine));
  parentPort!.postMessage(outcomes);
});
