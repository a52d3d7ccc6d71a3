// The loop of TFLite's reference convolutions, for CONV_2D and DEPTHWISE_CONV_2D wherever no
// microkernel applies: grouped int8 convolutions, 16x8, depth multipliers above 1, float32. For
// every output pixel and channel it sums the taps that fall inside the input (rows, then columns,
// then the group's input channels: the reference's order), then the kernel finishes the value
// (bias, requantization or float clamp) with finishConvolution<TActivation, TAccumulator>.
//
// A depthwise convolution is a grouped one with one input channel per group and depth multiplier
// output channels per group; the two differ only in where a weight is: FilterLayout.

import { Tensor } from "../tensor";
import { Window } from "./window";

/** Where weight (output channel, tap, input channel of the group) is, in elements. */
export class FilterLayout {
  /** Input channels a filter reads per tap (the group's size), and output channels per group. */
  groupDepth: i32 = 0;
  channelsPerGroup: i32 = 0;
  channelStride: i32 = 0;
  tapStride: i32 = 0;

  /** CONV_2D's [output channels, height, width, group depth]. */
  static convolution(outputChannels: i32, taps: i32, groupDepth: i32, inputDepth: i32): FilterLayout {
    const layout = new FilterLayout();
    layout.groupDepth = groupDepth;
    layout.channelsPerGroup = outputChannels / (inputDepth / groupDepth);
    layout.channelStride = taps * groupDepth;
    layout.tapStride = groupDepth;
    return layout;
  }

  /** DEPTHWISE_CONV_2D's [1, height, width, output channels]. */
  static depthwise(outputChannels: i32, depthMultiplier: i32): FilterLayout {
    const layout = new FilterLayout();
    layout.groupDepth = 1;
    layout.channelsPerGroup = depthMultiplier;
    layout.channelStride = 1;
    layout.tapStride = outputChannels;
    return layout;
  }
}

/**
 * Runs the reference loop of `kernel`: int8 or int16 activations with int8 weights and
 * (x + inputOffset) products, or float32 activations and weights (TAccumulator f32).
 */
export function convolveReference<TActivation, TAccumulator, TKernel>(kernel: TKernel, window: Window, input: Tensor, output: Tensor,
  filter: Tensor, layout: FilterLayout, inputOffset: i32): void {
  const inputHeight = input.dim(1);
  const inputWidth = input.dim(2);
  const inputDepth = input.dim(3);
  const outputChannels = output.dim(3);
  const groupDepth = layout.groupDepth;
  const weightShift = isFloat<TAccumulator>() ? 2 : 0;
  let outputPointer = output.data;
  for (let b = 0; b < input.dim(0); b++) {
    for (let outY = 0; outY < output.dim(1); outY++) {
      const inYOrigin = outY * window.strideHeight - window.paddingHeight;
      for (let outX = 0; outX < output.dim(2); outX++) {
        const inXOrigin = outX * window.strideWidth - window.paddingWidth;
        for (let outChannel = 0; outChannel < outputChannels; outChannel++) {
          const groupStart = (outChannel / layout.channelsPerGroup) * groupDepth;
          let accumulator: TAccumulator = 0;
          for (let filterY = 0; filterY < window.filterHeight; filterY++) {
            const inY = inYOrigin + window.dilationHeight * filterY;
            if (inY < 0 || inY >= inputHeight) continue;
            for (let filterX = 0; filterX < window.filterWidth; filterX++) {
              const inX = inXOrigin + window.dilationWidth * filterX;
              if (inX < 0 || inX >= inputWidth) continue;
              const inputRow = input.data + (<usize>(((b * inputHeight + inY) * inputWidth + inX) * inputDepth + groupStart) << alignof<TActivation>());
              const tap = filterY * window.filterWidth + filterX;
              const weights = filter.data + (<usize>(outChannel * layout.channelStride + tap * layout.tapStride) << weightShift);
              for (let c = 0; c < groupDepth; c++) {
                const value = load<TActivation>(inputRow + (<usize>c << alignof<TActivation>()));
                if (isFloat<TAccumulator>()) {
                  accumulator += <TAccumulator>(<f32>value * load<f32>(weights + (<usize>c << 2)));
                } else {
                  accumulator += <TAccumulator>(<i32>load<i8>(weights + c) * (<i32>value + inputOffset));
                }
              }
            }
          }
          // @ts-ignore: the kernel type supplies it
          kernel.finishConvolution<TActivation, TAccumulator>(accumulator, outChannel, outputPointer);
          outputPointer += sizeof<TActivation>();
        }
      }
    }
  }
}
