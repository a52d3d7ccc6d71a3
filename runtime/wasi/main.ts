// The tinyq command for WASI runtimes: `run MODEL --input FILE... --output-dir DIR` with the
// contract of `tinyq run --output-dir`, on the engine compiled into the same module, so that
// any runtime's command line runs a model:
//
//   wasmtime run --dir=. build/tinyq-wasi.wasm run model.tflite --input x.bin --output-dir out
//
// With I model inputs, k*I files are k invocations on one interpreter (sample-major), writing
// out{j}.bin for one invocation and s{k}_out{j}.bin for several. Exit codes are tinyq's: 0,
// 1 for a model or file that cannot be used, 2 for a command line that cannot be understood,
// each failure one line on stderr.

import {
  tq_error_length, tq_error_message, tq_init, tq_input_count, tq_input_tensor, tq_invoke, tq_model_reserve,
  tq_output_count, tq_output_tensor, tq_tensor_bytes, tq_tensor_data, tq_tensor_dim, tq_tensor_name,
  tq_tensor_name_length, tq_tensor_rank, tq_tensor_type,
} from "../../assembly/index";
import { keepHeap } from "../../assembly/memory";
import { typeName } from "../../assembly/tensor";
import { commandLine, exit, findPreopens, InputFile, lastFailure, makeDirectories, print, printError, writeFile } from "./wasi";

const EXIT_FAILURE: u32 = 1;
const EXIT_USAGE: u32 = 2;

const USAGE = "Usage: tinyq-wasi.wasm run MODEL --input FILE... --output-dir DIR\n"
  + "\n"
  + "The tinyq engine as a WASI command. Give the runtime the directories of the files\n"
  + "(wasmtime and iwasm: --dir=DIR).\n"
  + "\n"
  + "Invokes MODEL on raw little-endian tensor files, one per model input in the model's\n"
  + "input order; each file must hold exactly its input's bytes. With I inputs, k*I files\n"
  + "make k invocations on one interpreter (state carries over), sample-major.\n"
  + "\n"
  + "Options:\n"
  + "  -i, --input FILE...        input tensor files\n"
  + "  -o, --output-dir DIR       write the raw bytes of output j to DIR/out{j}.bin, or\n"
  + "                             DIR/s{k}_out{j}.bin for sample k of several\n"
  + "  -h, --help                 show this help";

class Command {
  model: string = "";
  inputs: string[] = [];
  outputDir: string = "";
}

/** Ends the program with one line on stderr. */
function fail(code: u32, message: string): void {
  printError("tinyq: " + message);
  exit(code);
}

function usageError(message: string): void {
  fail(EXIT_USAGE, message + " (see 'tinyq-wasi.wasm run --help')");
}

function engineError(): string {
  return String.UTF8.decodeUnsafe(tq_error_message(), <usize>tq_error_length());
}

/** The command line after "run"; ends the program on a usage error or --help. */
function parse(args: string[]): Command {
  const command = new Command();
  if (args.length < 2 || args[1] == "--help" || args[1] == "-h" || args[1] == "help") {
    print(USAGE);
    exit(0);
  } else if (args[1] != "run") {
    const what = args[1].startsWith("-") ? "option" : "command";
    usageError("unknown " + what + " '" + args[1] + "'; the WASI command has only 'run'");
  }
  let readingInputs = false;
  for (let a = 2; a < args.length; a++) {
    const arg = args[a];
    if (arg == "--help" || arg == "-h") {
      print(USAGE);
      exit(0);
    } else if (arg == "--input" || arg == "-i") {
      readingInputs = true;
    } else if (arg.startsWith("--input=")) {
      command.inputs.push(arg.substring(8));
      readingInputs = true;
    } else if (arg == "--output-dir" || arg == "-o") {
      if (a + 1 >= args.length) usageError("option '" + arg + "' needs a directory");
      command.outputDir = args[++a];
      readingInputs = false;
    } else if (arg.startsWith("--output-dir=")) {
      command.outputDir = arg.substring(13);
      readingInputs = false;
    } else if (arg == "--") {
      readingInputs = false;
    } else if (arg.startsWith("-") && arg.length > 1) {
      usageError("unknown option '" + arg + "'");
    } else if (readingInputs) {
      command.inputs.push(arg);
    } else if (command.model.length == 0) {
      command.model = arg;
    } else {
      usageError("unexpected argument '" + arg + "'; input files follow --input");
    }
  }
  if (command.model.length == 0) usageError("missing MODEL");
  if (command.inputs.length == 0) usageError("missing input files: give --input FILE (one raw tensor per model input)");
  if (command.outputDir.length == 0) usageError("missing --output-dir DIR: the WASI command writes its outputs as files");
  return command;
}

/** 1234567 as "1,234,567", as tinyq prints counts. */
function count(value: i32): string {
  const digits = value.toString();
  let text = "";
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 == 0) text += ",";
    text += digits.charAt(i);
  }
  return text;
}

function tensorName(t: i32): string {
  return String.UTF8.decodeUnsafe(tq_tensor_name(t), <usize>tq_tensor_name_length(t));
}

function shapeText(t: i32): string {
  let text = "[";
  for (let axis = 0; axis < tq_tensor_rank(t); axis++) text += (axis > 0 ? "," : "") + tq_tensor_dim(t, axis).toString();
  return text + "]";
}

/** DIR/NAME, without a doubled "/". */
function join(dir: string, name: string): string {
  return dir.endsWith("/") ? dir + name : dir + "/" + name;
}

function main(): void {
  findPreopens();
  const command = parse(commandLine());
  const modelFile = new InputFile();
  if (!modelFile.open(command.model, "model")) return fail(EXIT_FAILURE, lastFailure);
  if (modelFile.size > 0x7FFFFFFF) return fail(EXIT_FAILURE, "model " + command.model + " is over 2 GiB");
  // Everything above survives the engine's loads; the model is read straight into its region.
  keepHeap();
  const modelPointer = tq_model_reserve(<u32>modelFile.size);
  if (modelPointer == 0) return fail(EXIT_FAILURE, engineError());
  if (!modelFile.readTo(modelPointer, command.model, "model")) return fail(EXIT_FAILURE, lastFailure);
  if (tq_init() != 0) return fail(EXIT_FAILURE, engineError());

  const inputCount = tq_input_count();
  const files = command.inputs;
  if (files.length % inputCount != 0) {
    let names = "";
    for (let i = 0; i < inputCount; i++) names += (i > 0 ? ", " : "") + tensorName(tq_input_tensor(i));
    return fail(EXIT_FAILURE, "the model has " + inputCount.toString() + " input(s) (" + names + "), so the number of input files must be a multiple of "
      + inputCount.toString() + "; got " + files.length.toString());
  }
  // Every file is checked before the first invocation, as tinyq run reads them all first.
  for (let f = 0; f < files.length; f++) {
    const file = new InputFile();
    if (!file.open(files[f], "input")) return fail(EXIT_FAILURE, lastFailure);
    file.close();
    const i = f % inputCount;
    const tensor = tq_input_tensor(i);
    if (file.size != <u64>tq_tensor_bytes(tensor)) {
      return fail(EXIT_FAILURE, "input file " + files[f] + " has " + count(<i32>file.size) + " bytes; model input " + i.toString() + " (" + tensorName(tensor)
        + ") takes " + count(tq_tensor_bytes(tensor)) + " bytes (" + typeName(tq_tensor_type(tensor)) + " " + shapeText(tensor) + ")");
    }
  }

  if (!makeDirectories(command.outputDir)) return fail(EXIT_FAILURE, lastFailure);
  const samples = files.length / inputCount;
  for (let k = 0; k < samples; k++) {
    for (let i = 0; i < inputCount; i++) {
      const f = k * inputCount + i;
      const file = new InputFile();
      if (!file.open(files[f], "input") || !file.readTo(tq_tensor_data(tq_input_tensor(i)), files[f], "input")) return fail(EXIT_FAILURE, lastFailure);
    }
    if (tq_invoke() != 0) return fail(EXIT_FAILURE, engineError());
    for (let j = 0; j < tq_output_count(); j++) {
      const tensor = tq_output_tensor(j);
      const path = join(command.outputDir, (samples == 1 ? "" : "s" + k.toString() + "_") + "out" + j.toString() + ".bin");
      if (!writeFile(path, tq_tensor_data(tensor), <usize>tq_tensor_bytes(tensor))) return fail(EXIT_FAILURE, lastFailure);
      print("wrote " + path + " (" + count(tq_tensor_bytes(tensor)) + " bytes)");
    }
  }
}

main();
