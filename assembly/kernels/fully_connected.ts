// FULLY_CONNECTED: TFLite's reference integer FullyConnected, int8 (through the GEMM
// microkernel) or 16x8.
// Input [..., depth] seen as [batches, depth], filter [units, depth], optional bias [units].
// Weights may be per-tensor or per-channel (one scale per unit).

import { Graph } from "../graph";
import { clamp, multiplyByQuantizedMultiplierSingleRounding } from "../quant";
import { checkActivation } from "./kernel";
import { GemmInt8 } from "../microkernels/gemm_int8";
import { WeightedKernel } from "./weighted_kernel";
import { FullyConnectedShape } from "./fully_connected_shape";

export class FullyConnected extends WeightedKernel {
  batches: i32 = 0;
  /** The int8 path: a matrix product of the input rows with the filter rows. */
  gemm: GemmInt8 | null = null;

  prepare(graph: Graph): bool {
    const node = this.node;
    if (!this.bindWeighted(graph, 2)) return false;
    const input = this.input;
    const output = this.output;
    const shape = new FullyConnectedShape();
    if (!shape.configure(node, input, this.filter, output)) return false;
    if (!checkActivation(node, shape.activation)) return false;
    const activation = shape.activation;
    const units = shape.units;
    const depth = shape.depth;
    this.batches = shape.batches;
    if (!this.prepareQuantization(units, activation)) return false;
    // The reference rounds once here, unlike the convolutions.
    if (!this.wide) this.gemm = this.int8Gemm(this.filter.data, depth, true, this.batches, false);
    else this.quantization.keep();
    this.macs = <f64>this.batches * <f64>units * <f64>depth;
    return true;
  }

  eval(): void {
    const gemm = this.gemm;
    if (gemm != null) {
      this.refreshGemm(gemm);
      gemm.run(this.input.data, gemm.depth, this.batches, this.output.data);
    }
    else if (this.wideAccumulator) this.multiply<i16, i64>();
    else this.multiply<i16, i32>();
  }

  private multiply<TActivation, TAccumulator>(): void {
    const units = this.filter.dim(0);
    const depth = this.filter.dim(1);
    const filterData = this.filter.data;
    const biasData = this.biasData();
    const quantization = this.quantization;
    const inputOffset = this.inputOffset;
    let inputRow = this.input.data;
    let outputPointer = this.output.data;
    for (let b = 0; b < this.batches; b++) {
      for (let unit = 0; unit < units; unit++) {
        const filterRow = filterData + <usize>(unit * depth);
        let accumulator: TAccumulator = 0;
        for (let d = 0; d < depth; d++) {
          const inputValue = <i32>load<TActivation>(inputRow + (<usize>d << alignof<TActivation>()));
          accumulator += <TAccumulator>(<i32>load<i8>(filterRow + d) * (inputValue + inputOffset));
        }
        if (biasData != 0) accumulator += WeightedKernel.biasOf<TAccumulator>(biasData, unit);
        // Unlike the convolutions, the reference rounds once for both accumulator widths.
        const scaled = multiplyByQuantizedMultiplierSingleRounding(<i64>accumulator, quantization.multiplier(unit), quantization.shift(unit));
        store<TActivation>(outputPointer, <TActivation>clamp(scaled + this.outputOffset, this.outputMin, this.outputMax));
        outputPointer += sizeof<TActivation>();
      }
      inputRow += <usize>depth << alignof<TActivation>();
    }
  }
}
