// Field numbers of the TFLite flatbuffer schema (schema.fbs) that the engine reads,
// and the builtin operator codes it knows by name.

export namespace ModelField {
  export const VERSION: i32 = 0;
  export const OPERATOR_CODES: i32 = 1;
  export const SUBGRAPHS: i32 = 2;
  export const BUFFERS: i32 = 4;
  export const METADATA: i32 = 6;
}

export namespace MetadataField {
  export const NAME: i32 = 0;
  export const BUFFER: i32 = 1;
}

export namespace OperatorCodeField {
  export const DEPRECATED_BUILTIN_CODE: i32 = 0;
  export const CUSTOM_CODE: i32 = 1;
  export const VERSION: i32 = 2;
  export const BUILTIN_CODE: i32 = 3;
}

export namespace SubGraphField {
  export const TENSORS: i32 = 0;
  export const INPUTS: i32 = 1;
  export const OUTPUTS: i32 = 2;
  export const OPERATORS: i32 = 3;
}

export namespace TensorField {
  export const SHAPE: i32 = 0;
  export const TYPE: i32 = 1;
  export const BUFFER: i32 = 2;
  export const NAME: i32 = 3;
  export const QUANTIZATION: i32 = 4;
  export const IS_VARIABLE: i32 = 5;
  export const SPARSITY: i32 = 6;
}

export namespace QuantizationField {
  export const SCALE: i32 = 2;
  export const ZERO_POINT: i32 = 3;
  export const QUANTIZED_DIMENSION: i32 = 6;
}

export namespace BufferField {
  export const DATA: i32 = 0;
  export const OFFSET: i32 = 1;
  export const SIZE: i32 = 2;
}

export namespace OperatorField {
  export const OPCODE_INDEX: i32 = 0;
  export const INPUTS: i32 = 1;
  export const OUTPUTS: i32 = 2;
  export const BUILTIN_OPTIONS_TYPE: i32 = 3;
  export const BUILTIN_OPTIONS: i32 = 4;
  export const INTERMEDIATES: i32 = 8;
}

/** Members of the BuiltinOptions union (schema.fbs), named without the "Options" suffix. */
export namespace OptionsType {
  export const NONE: i32 = 0;
  export const CONV_2D: i32 = 1;
  export const DEPTHWISE_CONV_2D: i32 = 2;
  export const CONCAT_EMBEDDINGS: i32 = 3;
  export const LSH_PROJECTION: i32 = 4;
  export const POOL_2D: i32 = 5;
  export const SVDF: i32 = 6;
  export const RNN: i32 = 7;
  export const FULLY_CONNECTED: i32 = 8;
  export const SOFTMAX: i32 = 9;
  export const CONCATENATION: i32 = 10;
  export const ADD: i32 = 11;
  export const L2_NORM: i32 = 12;
  export const LOCAL_RESPONSE_NORMALIZATION: i32 = 13;
  export const LSTM: i32 = 14;
  export const RESIZE_BILINEAR: i32 = 15;
  export const CALL: i32 = 16;
  export const RESHAPE: i32 = 17;
  export const SKIP_GRAM: i32 = 18;
  export const SPACE_TO_DEPTH: i32 = 19;
  export const EMBEDDING_LOOKUP_SPARSE: i32 = 20;
  export const MUL: i32 = 21;
  export const PAD: i32 = 22;
  export const GATHER: i32 = 23;
  export const BATCH_TO_SPACE_ND: i32 = 24;
  export const SPACE_TO_BATCH_ND: i32 = 25;
  export const TRANSPOSE: i32 = 26;
  export const REDUCER: i32 = 27;
  export const SUB: i32 = 28;
  export const DIV: i32 = 29;
  export const SQUEEZE: i32 = 30;
  export const SEQUENCE_RNN: i32 = 31;
  export const STRIDED_SLICE: i32 = 32;
  export const EXP: i32 = 33;
  export const TOP_KV2: i32 = 34;
  export const SPLIT: i32 = 35;
  export const LOG_SOFTMAX: i32 = 36;
  export const CAST: i32 = 37;
  export const DEQUANTIZE: i32 = 38;
  export const MAXIMUM_MINIMUM: i32 = 39;
  export const ARG_MAX: i32 = 40;
  export const LESS: i32 = 41;
  export const NEG: i32 = 42;
  export const PAD_V2: i32 = 43;
  export const GREATER: i32 = 44;
  export const GREATER_EQUAL: i32 = 45;
  export const LESS_EQUAL: i32 = 46;
  export const SELECT: i32 = 47;
  export const SLICE: i32 = 48;
  export const TRANSPOSE_CONV: i32 = 49;
  export const SPARSE_TO_DENSE: i32 = 50;
  export const TILE: i32 = 51;
  export const EXPAND_DIMS: i32 = 52;
  export const EQUAL: i32 = 53;
  export const NOT_EQUAL: i32 = 54;
  export const SHAPE: i32 = 55;
  export const POW: i32 = 56;
  export const ARG_MIN: i32 = 57;
  export const FAKE_QUANT: i32 = 58;
  export const PACK: i32 = 59;
  export const LOGICAL_OR: i32 = 60;
  export const ONE_HOT: i32 = 61;
  export const LOGICAL_AND: i32 = 62;
  export const LOGICAL_NOT: i32 = 63;
  export const UNPACK: i32 = 64;
  export const FLOOR_DIV: i32 = 65;
  export const SQUARE: i32 = 66;
  export const ZEROS_LIKE: i32 = 67;
  export const FILL: i32 = 68;
  export const BIDIRECTIONAL_SEQUENCE_LSTM: i32 = 69;
  export const BIDIRECTIONAL_SEQUENCE_RNN: i32 = 70;
  export const UNIDIRECTIONAL_SEQUENCE_LSTM: i32 = 71;
  export const FLOOR_MOD: i32 = 72;
  export const RANGE: i32 = 73;
  export const RESIZE_NEAREST_NEIGHBOR: i32 = 74;
  export const LEAKY_RELU: i32 = 75;
  export const SQUARED_DIFFERENCE: i32 = 76;
  export const MIRROR_PAD: i32 = 77;
  export const ABS: i32 = 78;
  export const SPLIT_V: i32 = 79;
  export const UNIQUE: i32 = 80;
  export const REVERSE_V2: i32 = 81;
  export const ADD_N: i32 = 82;
  export const GATHER_ND: i32 = 83;
  export const COS: i32 = 84;
  export const WHERE: i32 = 85;
  export const RANK: i32 = 86;
  export const REVERSE_SEQUENCE: i32 = 87;
  export const MATRIX_DIAG: i32 = 88;
  export const QUANTIZE: i32 = 89;
  export const MATRIX_SET_DIAG: i32 = 90;
  export const HARD_SWISH: i32 = 91;
  export const IF: i32 = 92;
  export const WHILE: i32 = 93;
  export const DEPTH_TO_SPACE: i32 = 94;
  export const NON_MAX_SUPPRESSION_V4: i32 = 95;
  export const NON_MAX_SUPPRESSION_V5: i32 = 96;
  export const SCATTER_ND: i32 = 97;
  export const SELECT_V2: i32 = 98;
  export const DENSIFY: i32 = 99;
  export const SEGMENT_SUM: i32 = 100;
  export const BATCH_MAT_MUL: i32 = 101;
  export const CUMSUM: i32 = 102;
  export const CALL_ONCE: i32 = 103;
  export const BROADCAST_TO: i32 = 104;
  export const RFFT2D: i32 = 105;
  export const CONV_3D: i32 = 106;
  export const HASHTABLE: i32 = 107;
  export const HASHTABLE_FIND: i32 = 108;
  export const HASHTABLE_IMPORT: i32 = 109;
  export const HASHTABLE_SIZE: i32 = 110;
  export const VAR_HANDLE: i32 = 111;
  export const READ_VARIABLE: i32 = 112;
  export const ASSIGN_VARIABLE: i32 = 113;
  export const RANDOM: i32 = 114;
  export const BUCKETIZE: i32 = 115;
  export const GELU: i32 = 116;
  export const DYNAMIC_UPDATE_SLICE: i32 = 117;
  export const UNSORTED_SEGMENT_PROD: i32 = 118;
  export const UNSORTED_SEGMENT_MAX: i32 = 119;
  export const UNSORTED_SEGMENT_MIN: i32 = 120;
  export const UNSORTED_SEGMENT_SUM: i32 = 121;
  export const ATAN2: i32 = 122;
  export const SIGN: i32 = 123;
  export const BITCAST: i32 = 124;
  export const BITWISE_XOR: i32 = 125;
  export const RIGHT_SHIFT: i32 = 126;
}

export namespace Padding {
  export const SAME: i32 = 0;
  export const VALID: i32 = 1;
}

export namespace Activation {
  export const NONE: i32 = 0;
  export const RELU: i32 = 1;
  export const RELU_N1_TO_1: i32 = 2;
  export const RELU6: i32 = 3;
}

/** TFLite's BuiltinOperator codes. */
export namespace BuiltinOperator {
  export const ADD: i32 = 0;
  export const AVERAGE_POOL_2D: i32 = 1;
  export const CONCATENATION: i32 = 2;
  export const CONV_2D: i32 = 3;
  export const DEPTHWISE_CONV_2D: i32 = 4;
  export const DEPTH_TO_SPACE: i32 = 5;
  export const DEQUANTIZE: i32 = 6;
  export const EMBEDDING_LOOKUP: i32 = 7;
  export const FLOOR: i32 = 8;
  export const FULLY_CONNECTED: i32 = 9;
  export const HASHTABLE_LOOKUP: i32 = 10;
  export const L2_NORMALIZATION: i32 = 11;
  export const L2_POOL_2D: i32 = 12;
  export const LOCAL_RESPONSE_NORMALIZATION: i32 = 13;
  export const LOGISTIC: i32 = 14;
  export const LSH_PROJECTION: i32 = 15;
  export const LSTM: i32 = 16;
  export const MAX_POOL_2D: i32 = 17;
  export const MUL: i32 = 18;
  export const RELU: i32 = 19;
  export const RELU_N1_TO_1: i32 = 20;
  export const RELU6: i32 = 21;
  export const RESHAPE: i32 = 22;
  export const RESIZE_BILINEAR: i32 = 23;
  export const RNN: i32 = 24;
  export const SOFTMAX: i32 = 25;
  export const SPACE_TO_DEPTH: i32 = 26;
  export const SVDF: i32 = 27;
  export const TANH: i32 = 28;
  export const CONCAT_EMBEDDINGS: i32 = 29;
  export const SKIP_GRAM: i32 = 30;
  export const CALL: i32 = 31;
  export const CUSTOM: i32 = 32;
  export const EMBEDDING_LOOKUP_SPARSE: i32 = 33;
  export const PAD: i32 = 34;
  export const UNIDIRECTIONAL_SEQUENCE_RNN: i32 = 35;
  export const GATHER: i32 = 36;
  export const BATCH_TO_SPACE_ND: i32 = 37;
  export const SPACE_TO_BATCH_ND: i32 = 38;
  export const TRANSPOSE: i32 = 39;
  export const MEAN: i32 = 40;
  export const SUB: i32 = 41;
  export const DIV: i32 = 42;
  export const SQUEEZE: i32 = 43;
  export const UNIDIRECTIONAL_SEQUENCE_LSTM: i32 = 44;
  export const STRIDED_SLICE: i32 = 45;
  export const BIDIRECTIONAL_SEQUENCE_RNN: i32 = 46;
  export const EXP: i32 = 47;
  export const TOPK_V2: i32 = 48;
  export const SPLIT: i32 = 49;
  export const LOG_SOFTMAX: i32 = 50;
  export const DELEGATE: i32 = 51;
  export const BIDIRECTIONAL_SEQUENCE_LSTM: i32 = 52;
  export const CAST: i32 = 53;
  export const PRELU: i32 = 54;
  export const MAXIMUM: i32 = 55;
  export const ARG_MAX: i32 = 56;
  export const MINIMUM: i32 = 57;
  export const LESS: i32 = 58;
  export const NEG: i32 = 59;
  export const PADV2: i32 = 60;
  export const GREATER: i32 = 61;
  export const GREATER_EQUAL: i32 = 62;
  export const LESS_EQUAL: i32 = 63;
  export const SELECT: i32 = 64;
  export const SLICE: i32 = 65;
  export const SIN: i32 = 66;
  export const TRANSPOSE_CONV: i32 = 67;
  export const SPARSE_TO_DENSE: i32 = 68;
  export const TILE: i32 = 69;
  export const EXPAND_DIMS: i32 = 70;
  export const EQUAL: i32 = 71;
  export const NOT_EQUAL: i32 = 72;
  export const LOG: i32 = 73;
  export const SUM: i32 = 74;
  export const SQRT: i32 = 75;
  export const RSQRT: i32 = 76;
  export const SHAPE: i32 = 77;
  export const POW: i32 = 78;
  export const ARG_MIN: i32 = 79;
  export const FAKE_QUANT: i32 = 80;
  export const REDUCE_PROD: i32 = 81;
  export const REDUCE_MAX: i32 = 82;
  export const PACK: i32 = 83;
  export const LOGICAL_OR: i32 = 84;
  export const ONE_HOT: i32 = 85;
  export const LOGICAL_AND: i32 = 86;
  export const LOGICAL_NOT: i32 = 87;
  export const UNPACK: i32 = 88;
  export const REDUCE_MIN: i32 = 89;
  export const FLOOR_DIV: i32 = 90;
  export const REDUCE_ANY: i32 = 91;
  export const SQUARE: i32 = 92;
  export const ZEROS_LIKE: i32 = 93;
  export const FILL: i32 = 94;
  export const FLOOR_MOD: i32 = 95;
  export const RANGE: i32 = 96;
  export const RESIZE_NEAREST_NEIGHBOR: i32 = 97;
  export const LEAKY_RELU: i32 = 98;
  export const SQUARED_DIFFERENCE: i32 = 99;
  export const MIRROR_PAD: i32 = 100;
  export const ABS: i32 = 101;
  export const SPLIT_V: i32 = 102;
  export const UNIQUE: i32 = 103;
  export const CEIL: i32 = 104;
  export const REVERSE_V2: i32 = 105;
  export const ADD_N: i32 = 106;
  export const GATHER_ND: i32 = 107;
  export const COS: i32 = 108;
  export const WHERE: i32 = 109;
  export const RANK: i32 = 110;
  export const ELU: i32 = 111;
  export const REVERSE_SEQUENCE: i32 = 112;
  export const MATRIX_DIAG: i32 = 113;
  export const QUANTIZE: i32 = 114;
  export const MATRIX_SET_DIAG: i32 = 115;
  export const ROUND: i32 = 116;
  export const HARD_SWISH: i32 = 117;
  export const IF: i32 = 118;
  export const WHILE: i32 = 119;
  export const NON_MAX_SUPPRESSION_V4: i32 = 120;
  export const NON_MAX_SUPPRESSION_V5: i32 = 121;
  export const SCATTER_ND: i32 = 122;
  export const SELECT_V2: i32 = 123;
  export const DENSIFY: i32 = 124;
  export const SEGMENT_SUM: i32 = 125;
  export const BATCH_MATMUL: i32 = 126;
  export const PLACEHOLDER_FOR_GREATER_OP_CODES: i32 = 127;
  export const CUMSUM: i32 = 128;
  export const CALL_ONCE: i32 = 129;
  export const BROADCAST_TO: i32 = 130;
  export const RFFT2D: i32 = 131;
  export const CONV_3D: i32 = 132;
  export const IMAG: i32 = 133;
  export const REAL: i32 = 134;
  export const COMPLEX_ABS: i32 = 135;
  export const HASHTABLE: i32 = 136;
  export const HASHTABLE_FIND: i32 = 137;
  export const HASHTABLE_IMPORT: i32 = 138;
  export const HASHTABLE_SIZE: i32 = 139;
  export const REDUCE_ALL: i32 = 140;
  export const CONV_3D_TRANSPOSE: i32 = 141;
  export const VAR_HANDLE: i32 = 142;
  export const READ_VARIABLE: i32 = 143;
  export const ASSIGN_VARIABLE: i32 = 144;
  export const BROADCAST_ARGS: i32 = 145;
  export const RANDOM_STANDARD_NORMAL: i32 = 146;
}

// Operator names of TFLite's BuiltinOperator enum in code order, separated by spaces and line
// breaks, for messages and `inspect`. One static text: a string per name would cost each its own
// header in the engine's data.
const OPERATOR_NAMES = `ADD AVERAGE_POOL_2D CONCATENATION CONV_2D DEPTHWISE_CONV_2D DEPTH_TO_SPACE DEQUANTIZE
EMBEDDING_LOOKUP FLOOR FULLY_CONNECTED HASHTABLE_LOOKUP L2_NORMALIZATION L2_POOL_2D
LOCAL_RESPONSE_NORMALIZATION LOGISTIC LSH_PROJECTION LSTM MAX_POOL_2D MUL RELU RELU_N1_TO_1
RELU6 RESHAPE RESIZE_BILINEAR RNN SOFTMAX SPACE_TO_DEPTH SVDF TANH CONCAT_EMBEDDINGS SKIP_GRAM
CALL CUSTOM EMBEDDING_LOOKUP_SPARSE PAD UNIDIRECTIONAL_SEQUENCE_RNN GATHER BATCH_TO_SPACE_ND
SPACE_TO_BATCH_ND TRANSPOSE MEAN SUB DIV SQUEEZE UNIDIRECTIONAL_SEQUENCE_LSTM STRIDED_SLICE
BIDIRECTIONAL_SEQUENCE_RNN EXP TOPK_V2 SPLIT LOG_SOFTMAX DELEGATE BIDIRECTIONAL_SEQUENCE_LSTM
CAST PRELU MAXIMUM ARG_MAX MINIMUM LESS NEG PADV2 GREATER GREATER_EQUAL LESS_EQUAL SELECT SLICE
SIN TRANSPOSE_CONV SPARSE_TO_DENSE TILE EXPAND_DIMS EQUAL NOT_EQUAL LOG SUM SQRT RSQRT SHAPE POW
ARG_MIN FAKE_QUANT REDUCE_PROD REDUCE_MAX PACK LOGICAL_OR ONE_HOT LOGICAL_AND LOGICAL_NOT UNPACK
REDUCE_MIN FLOOR_DIV REDUCE_ANY SQUARE ZEROS_LIKE FILL FLOOR_MOD RANGE RESIZE_NEAREST_NEIGHBOR
LEAKY_RELU SQUARED_DIFFERENCE MIRROR_PAD ABS SPLIT_V UNIQUE CEIL REVERSE_V2 ADD_N GATHER_ND COS
WHERE RANK ELU REVERSE_SEQUENCE MATRIX_DIAG QUANTIZE MATRIX_SET_DIAG ROUND HARD_SWISH IF WHILE
NON_MAX_SUPPRESSION_V4 NON_MAX_SUPPRESSION_V5 SCATTER_ND SELECT_V2 DENSIFY SEGMENT_SUM
BATCH_MATMUL PLACEHOLDER_FOR_GREATER_OP_CODES CUMSUM CALL_ONCE BROADCAST_TO RFFT2D CONV_3D IMAG
REAL COMPLEX_ABS HASHTABLE HASHTABLE_FIND HASHTABLE_IMPORT HASHTABLE_SIZE REDUCE_ALL
CONV_3D_TRANSPOSE VAR_HANDLE READ_VARIABLE ASSIGN_VARIABLE BROADCAST_ARGS RANDOM_STANDARD_NORMAL`;

/** Result registers of operatorNameSpan: where code's name starts in OPERATOR_NAMES, and its length. */
let nameStart: i32 = 0;
let nameLength: i32 = 0;

/** Finds a builtin code's name in OPERATOR_NAMES; false for codes past the last name. */
function operatorNameSpan(code: i32): bool {
  if (code < 0) return false;
  const length = OPERATOR_NAMES.length;
  let start = 0;
  for (let skipped = 0; skipped < code; skipped++) {
    while (start < length && !isSeparator(OPERATOR_NAMES.charCodeAt(start))) start++;
    start++;
  }
  if (start >= length) return false;
  let end = start;
  while (end < length && !isSeparator(OPERATOR_NAMES.charCodeAt(end))) end++;
  nameStart = start;
  nameLength = end - start;
  return true;
}

function isSeparator(char: i32): bool {
  return char == 0x20 || char == 0x0A;
}

export function operatorName(code: i32): string {
  return operatorNameSpan(code) ? OPERATOR_NAMES.substr(nameStart, nameLength) : "BUILTIN_" + code.toString();
}

/** Writes a builtin code's name as UTF-8 at `destination` (at most `capacity` bytes) without allocating; returns its length. */
export function writeOperatorName(code: i32, destination: usize, capacity: i32): i32 {
  if (!operatorNameSpan(code)) return 0;
  return <i32>String.UTF8.encodeUnsafe(changetype<usize>(OPERATOR_NAMES) + (<usize>nameStart << 1), min(nameLength, capacity), destination);
}
