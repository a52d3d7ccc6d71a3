// Field numbers of the TFLite flatbuffer schema (schema.fbs) that the engine reads,
// and the builtin operator codes it knows by name.

export namespace ModelField {
  export const VERSION: i32 = 0;
  export const OPERATOR_CODES: i32 = 1;
  export const SUBGRAPHS: i32 = 2;
  export const BUFFERS: i32 = 4;
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
}

/** Members of the BuiltinOptions union. */
export namespace OptionsType {
  export const NONE: i32 = 0;
  export const CONV_2D: i32 = 1;
  export const DEPTHWISE_CONV_2D: i32 = 2;
  export const POOL_2D: i32 = 5;
  export const FULLY_CONNECTED: i32 = 8;
  export const SOFTMAX: i32 = 9;
  export const ADD: i32 = 11;
  export const RESHAPE: i32 = 17;
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

export namespace BuiltinOperator {
  export const ADD: i32 = 0;
  export const AVERAGE_POOL_2D: i32 = 1;
  export const CONV_2D: i32 = 3;
  export const DEPTHWISE_CONV_2D: i32 = 4;
  export const DEQUANTIZE: i32 = 6;
  export const FULLY_CONNECTED: i32 = 9;
  export const MAX_POOL_2D: i32 = 17;
  export const RESHAPE: i32 = 22;
  export const SOFTMAX: i32 = 25;
  export const CUSTOM: i32 = 32;
  export const QUANTIZE: i32 = 114;
}

// Operator names of TFLite's BuiltinOperator enum, indexed by code, for messages and `inspect`.
const OPERATOR_NAMES: StaticArray<string> = [
  "ADD", "AVERAGE_POOL_2D", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D", "DEPTH_TO_SPACE",
  "DEQUANTIZE", "EMBEDDING_LOOKUP", "FLOOR", "FULLY_CONNECTED", "HASHTABLE_LOOKUP", "L2_NORMALIZATION",
  "L2_POOL_2D", "LOCAL_RESPONSE_NORMALIZATION", "LOGISTIC", "LSH_PROJECTION", "LSTM", "MAX_POOL_2D",
  "MUL", "RELU", "RELU_N1_TO_1", "RELU6", "RESHAPE", "RESIZE_BILINEAR",
  "RNN", "SOFTMAX", "SPACE_TO_DEPTH", "SVDF", "TANH", "CONCAT_EMBEDDINGS",
  "SKIP_GRAM", "CALL", "CUSTOM", "EMBEDDING_LOOKUP_SPARSE", "PAD", "UNIDIRECTIONAL_SEQUENCE_RNN",
  "GATHER", "BATCH_TO_SPACE_ND", "SPACE_TO_BATCH_ND", "TRANSPOSE", "MEAN", "SUB",
  "DIV", "SQUEEZE", "UNIDIRECTIONAL_SEQUENCE_LSTM", "STRIDED_SLICE", "BIDIRECTIONAL_SEQUENCE_RNN", "EXP",
  "TOPK_V2", "SPLIT", "LOG_SOFTMAX", "DELEGATE", "BIDIRECTIONAL_SEQUENCE_LSTM", "CAST",
  "PRELU", "MAXIMUM", "ARG_MAX", "MINIMUM", "LESS", "NEG",
  "PADV2", "GREATER", "GREATER_EQUAL", "LESS_EQUAL", "SELECT", "SLICE",
  "SIN", "TRANSPOSE_CONV", "SPARSE_TO_DENSE", "TILE", "EXPAND_DIMS", "EQUAL",
  "NOT_EQUAL", "LOG", "SUM", "SQRT", "RSQRT", "SHAPE",
  "POW", "ARG_MIN", "FAKE_QUANT", "REDUCE_PROD", "REDUCE_MAX", "PACK",
  "LOGICAL_OR", "ONE_HOT", "LOGICAL_AND", "LOGICAL_NOT", "UNPACK", "REDUCE_MIN",
  "FLOOR_DIV", "REDUCE_ANY", "SQUARE", "ZEROS_LIKE", "FILL", "FLOOR_MOD",
  "RANGE", "RESIZE_NEAREST_NEIGHBOR", "LEAKY_RELU", "SQUARED_DIFFERENCE", "MIRROR_PAD", "ABS",
  "SPLIT_V", "UNIQUE", "CEIL", "REVERSE_V2", "ADD_N", "GATHER_ND",
  "COS", "WHERE", "RANK", "ELU", "REVERSE_SEQUENCE", "MATRIX_DIAG",
  "QUANTIZE", "MATRIX_SET_DIAG", "ROUND", "HARD_SWISH", "IF", "WHILE",
  "NON_MAX_SUPPRESSION_V4", "NON_MAX_SUPPRESSION_V5", "SCATTER_ND", "SELECT_V2", "DENSIFY", "SEGMENT_SUM",
  "BATCH_MATMUL", "PLACEHOLDER_FOR_GREATER_OP_CODES", "CUMSUM", "CALL_ONCE", "BROADCAST_TO", "RFFT2D",
  "CONV_3D", "IMAG", "REAL", "COMPLEX_ABS", "HASHTABLE", "HASHTABLE_FIND",
  "HASHTABLE_IMPORT", "HASHTABLE_SIZE", "REDUCE_ALL", "CONV_3D_TRANSPOSE", "VAR_HANDLE", "READ_VARIABLE",
  "ASSIGN_VARIABLE", "BROADCAST_ARGS", "RANDOM_STANDARD_NORMAL",
];

export function operatorName(code: i32): string {
  return code >= 0 && code < OPERATOR_NAMES.length ? OPERATOR_NAMES[code] : "BUILTIN_" + code.toString();
}
