// SUB, int8 and int16 (16x8 mode) with broadcasting: TFLite's reference quantized subtraction,
// which is its quantized add (add.ts) with the second rescaled input subtracted from the first.
// Unlike ADD, the power-of-two int16 path broadcasts.

import { Add } from "./add";

export class Sub extends Add {
  constructor() {
    super(-1);
  }
}
