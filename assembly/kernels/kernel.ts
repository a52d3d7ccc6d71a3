// The interface every operator kernel implements, and the checks kernels share at prepare.
// Prepare validates the operator and computes everything that does not depend on input values;
// eval only loops over the arena. A kernel reads tensor data pointers at eval, because the
// planner places activations after every kernel has been prepared.

import { Graph, Node } from "../graph";
import { fail, Status } from "../status";
import { Activation, operatorName } from "../schema";
import { Tensor, TensorType, typeName } from "../tensor";
import { shapeString } from "../model";

export class Kernel {
  node!: Node;
  /** Multiply-accumulates of one invocation, for `inspect`. */
  macs: f64 = 0;

  /** Validates the operator and precomputes its parameters; false with the error set otherwise. */
  prepare(graph: Graph): bool {
    return false;
  }

  eval(): void {}
}

export function operatorLabel(node: Node): string {
  return "operator " + node.index.toString() + " (" + operatorName(node.opcode) + " v" + node.version.toString() + ")";
}

/** An error in an operator's definition: names the operator and what is wrong. */
export function operatorError(node: Node, message: string): bool {
  return fail(Status.INVALID_MODEL, operatorLabel(node) + ": " + message);
}

export function unsupported(node: Node, message: string): bool {
  return fail(Status.UNSUPPORTED_TYPE, operatorLabel(node) + ": " + message);
}

export function tensorLabel(tensor: Tensor): string {
  return "tensor " + tensor.index.toString() + " (" + tensor.name() + ", " + typeName(tensor.type) + " " + shapeString(tensor.shape) + ")";
}

/** Checks the operator's input and output counts. Optional trailing inputs may be absent or -1. */
export function checkArity(node: Node, minInputs: i32, maxInputs: i32, outputs: i32): bool {
  if (node.inputs.length < minInputs || node.inputs.length > maxInputs) {
    const expected = minInputs == maxInputs ? minInputs.toString() : minInputs.toString() + " to " + maxInputs.toString();
    return operatorError(node, "has " + node.inputs.length.toString() + " inputs, expected " + expected);
  }
  if (node.outputs.length != outputs) {
    return operatorError(node, "has " + node.outputs.length.toString() + " outputs, expected " + outputs.toString());
  }
  for (let i = 0; i < minInputs; i++) {
    if (node.inputs[i] < 0) return operatorError(node, "input " + i.toString() + " is required");
  }
  return true;
}

export function inputTensor(graph: Graph, node: Node, i: i32): Tensor {
  return graph.tensors[node.inputs[i]];
}

/** An optional input, or null when absent. */
export function optionalInput(graph: Graph, node: Node, i: i32): Tensor | null {
  return i < node.inputs.length && node.inputs[i] >= 0 ? graph.tensors[node.inputs[i]] : null;
}

export function outputTensor(graph: Graph, node: Node, i: i32): Tensor {
  return graph.tensors[node.outputs[i]];
}

export function checkType(node: Node, tensor: Tensor, type: i32, role: string): bool {
  if (tensor.type == type) return true;
  return unsupported(node, role + " " + tensorLabel(tensor) + " must be " + typeName(type));
}

export function checkRank(node: Node, tensor: Tensor, rank: i32, role: string): bool {
  if (tensor.rank == rank) return true;
  return operatorError(node, role + " " + tensorLabel(tensor) + " must have rank " + rank.toString());
}

export function checkQuantized(node: Node, tensor: Tensor, role: string): bool {
  if (tensor.quantizationCount > 0) return true;
  return operatorError(node, role + " " + tensorLabel(tensor) + " has no quantization parameters");
}

export function checkConstant(node: Node, tensor: Tensor, role: string): bool {
  if (tensor.isConstant) return true;
  return unsupported(node, role + " " + tensorLabel(tensor) + " must be constant");
}

export function checkSameElementCount(node: Node, a: Tensor, b: Tensor): bool {
  if (a.elementCount == b.elementCount) return true;
  return operatorError(node, tensorLabel(a) + " and " + tensorLabel(b) + " must have the same number of elements");
}

/**
 * The operator's options table, or 0 for defaults when it has none.
 * An options table of another operator's kind is an error.
 */
export function optionsOf(node: Node, expectedType: i32): u32 {
  if (node.optionsType == 0 || node.options == 0) return 0;
  if (node.optionsType != expectedType) {
    operatorError(node, "has builtin options of union type " + node.optionsType.toString() + ", expected " + expectedType.toString());
    return 0;
  }
  return node.options;
}

/** Checks that the output shape stored in the model equals the one the operator produces. */
export function checkOutputShape(node: Node, output: Tensor, expected: StaticArray<i32>): bool {
  let same = output.rank == expected.length;
  for (let i = 0; same && i < expected.length; i++) same = output.dim(i) == expected[i];
  if (same) return true;
  return operatorError(node, "output " + tensorLabel(output) + " should have shape " + shapeString(expected));
}

/** A constant bias of the given type (int32 unless said) with one value per output channel. */
export function checkBias(node: Node, bias: Tensor, channels: i32, type: i32 = TensorType.INT32): bool {
  if (!checkType(node, bias, type, "bias") || !checkConstant(node, bias, "bias")) return false;
  if (bias.elementCount != channels) return operatorError(node, "bias " + tensorLabel(bias) + " needs " + channels.toString() + " values");
  return true;
}

/** Integer kernels fuse NONE, RELU, RELU_N1_TO_1 and RELU6 as a clamp; other activations are refused. */
export function checkActivation(node: Node, activation: i32): bool {
  if (activation >= Activation.NONE && activation <= Activation.RELU6) return true;
  return operatorError(node, "fused activation " + activation.toString() + " is not supported on integer kernels");
}
